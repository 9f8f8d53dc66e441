import type { D1Migration } from "@cloudflare/vitest-pool-workers";
import type { Env as AppBindings } from "../workers/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {
      TEST_PLATFORM_MIGRATIONS: D1Migration[];
      TEST_TENANT_MIGRATIONS: D1Migration[];
      TENANT_PETERSON: D1Database;
      TENANT_SMITH: D1Database;
      TENANT_JOHNSON: D1Database;
      TENANT_POOL_001: D1Database;
      TENANT_POOL_002: D1Database;
      TENANT_POOL_003: D1Database;
    }
  }
}
