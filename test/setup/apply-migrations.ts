import { applyD1Migrations, env } from "cloudflare:test";
import { tenantBindingNames, tenantD1 } from "../support/bindings";

// Idempotent: applyD1Migrations records what it applied, so running per test file is cheap.
await applyD1Migrations(env.PLATFORM_DB, env.TEST_PLATFORM_MIGRATIONS);
for (const name of tenantBindingNames()) {
  await applyD1Migrations(tenantD1(name), env.TEST_TENANT_MIGRATIONS);
}
