/**
 * Platform-level configuration and bindings: the same for every tenant.
 * Tenant databases are bound by name too, but are reached only through tenancy/bindings.ts.
 */
import type { CallSession } from "../durable-objects/call-session/call-session.do";
import type { PostCallParams } from "./post-call/start";

export interface Env {
  PLATFORM_DB: D1Database;
  CALL_SESSION: DurableObjectNamespace<CallSession>;
  POST_CALL_QUEUE: Queue<unknown>;
  /** The post-call job (post-call/post-call.workflow.ts): one instance per run of a call's job. */
  POST_CALL_WORKFLOW: Workflow<PostCallParams>;

  PUBLIC_BASE_URL: string;
  TWILIO_ACCOUNT_SID: string;
  TWILIO_AUTH_TOKEN: string;
  TWILIO_API_BASE_URL: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL: string;
  OPENAI_REALTIME_URL: string;
  OPENAI_REALTIME_MODEL?: string;
  /** Seconds before a call's Realtime session is replaced by a fresh one (default 3300). */
  CALL_SESSION_ROLLOVER_SECONDS?: string;
  SECRETS_MASTER_KEY: string;
  PLATFORM_ADMIN_EMAIL?: string;
  PLATFORM_ADMIN_PASSWORD?: string;

  /** Dead-letter queue producer: unparseable post-call messages are sent here, then acked. */
  POST_CALL_DLQ?: Queue<unknown>;
  /** Model for post-call summaries and fact extraction (default gpt-4o-mini). */
  OPENAI_POSTCALL_MODEL?: string;
  /** Production only (no local mode): Workers AI for embeddings, Vectorize for the vector leg. */
  AI?: Ai;
  VECTORIZE?: VectorizeIndex;
  /** `openai` to embed with OpenAI (768 dims) when AI is not bound; otherwise local hashing. */
  EMBEDDINGS_PROVIDER?: string;
  OPENAI_EMBEDDING_MODEL?: string;
}
