/**
 * Platform-level configuration and bindings: the same for every tenant.
 * Tenant databases are bound by name too, but are reached only through tenancy/bindings.ts.
 */
import type { CallSession } from "../durable-objects/call-session/call-session.do";

export interface Env {
  PLATFORM_DB: D1Database;
  CALL_SESSION: DurableObjectNamespace<CallSession>;
  POST_CALL_QUEUE: Queue<unknown>;

  PUBLIC_BASE_URL: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_API_BASE_URL: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL: string;
  OPENAI_REALTIME_URL: string;
  OPENAI_REALTIME_MODEL?: string;
  SECRETS_MASTER_KEY: string;
  PLATFORM_ADMIN_EMAIL?: string;
  PLATFORM_ADMIN_PASSWORD?: string;
}
