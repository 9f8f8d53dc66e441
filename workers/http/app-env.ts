import type { Env } from "../env";
import type { Principal } from "../auth/principal";

/** Hono's typed environment: platform bindings plus what middleware resolved for this request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal?: Principal;
  };
}
