import type { Env } from "../env";
import type { ActorRole } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import type { TenantContext } from "../tenancy/tenant-context";
import type { VerifiedTwilioWebhook } from "../twilio/signature";

/** Hono's typed environment: platform bindings plus what middleware resolved for this request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal?: Principal;
    tenant?: TenantContext;
    /** A Twilio webhook whose signature checked out (set by the webhook routes' middleware). */
    twilioWebhook?: VerifiedTwilioWebhook;
    /** The role `permit` (tenancy/tenant-access.ts) checked for this request's tenant. */
    tenantRole?: ActorRole;
  };
}
