import type { Env } from "../env";
import type { ActorRole } from "../auth/permissions";
import type { Principal } from "../auth/principal";
import type { TenantContext } from "../tenancy/tenant-context";

/** Hono's typed environment: platform bindings plus what middleware resolved for this request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal?: Principal;
    tenant?: TenantContext;
    /** The role `permit` (tenancy/tenant-access.ts) checked for this request's tenant. */
    tenantRole?: ActorRole;
  };
}
