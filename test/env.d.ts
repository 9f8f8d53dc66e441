import type { D1Migration } from "@cloudflare/vitest-pool-workers";

// Bindings only the test pool has (vitest.config.ts), on top of the Worker's Env (workers/env.ts).
declare global {
  namespace Cloudflare {
    interface Env {
      TEST_PLATFORM_MIGRATIONS: D1Migration[];
      TEST_TENANT_MIGRATIONS: D1Migration[];
    }
  }
}
