/** Which tenants can be served: each tenant's binding must exist in this deploy and be migrated. */
import type { z } from "zod";
import { platformDb } from "../db/handles";
import { tenants } from "../db/platform.schema";
import type { Env } from "../env";
import {
  EXPECTED_TENANT_MIGRATIONS,
  POOL_BINDING_PREFIX,
  boundTenantDatabases,
  tenantDatabase,
  tenantMigrationState,
} from "./bindings";
import type { DatabaseState, PlatformHealth, TenantHealth } from "./health.schema";

export type DatabaseState = z.infer<typeof DatabaseState>;
export type TenantHealth = z.infer<typeof TenantHealth>;
export type PlatformHealth = z.infer<typeof PlatformHealth>;

async function databaseState(
  env: Env,
  binding: string,
): Promise<{ database: DatabaseState; missingMigrations: string[] }> {
  const d1 = tenantDatabase(env, binding);
  if (!d1)
    return { database: "binding_missing", missingMigrations: [...EXPECTED_TENANT_MIGRATIONS] };
  const state = await tenantMigrationState(d1);
  return { database: state.upToDate ? "ready" : "unmigrated", missingMigrations: state.missing };
}

export async function platformHealth(env: Env): Promise<PlatformHealth> {
  const rows = await platformDb(env.PLATFORM_DB).select().from(tenants).orderBy(tenants.createdAt);
  const tenantHealth: TenantHealth[] = [];
  for (const row of rows) {
    tenantHealth.push({
      tenantId: row.id,
      slug: row.slug,
      status: row.status,
      binding: row.d1Binding,
      ...(await databaseState(env, row.d1Binding)),
    });
  }
  const held = new Set(rows.map((r) => r.d1Binding));
  const pool = [];
  for (const binding of boundTenantDatabases(env)) {
    if (held.has(binding) || !binding.startsWith(POOL_BINDING_PREFIX)) continue;
    pool.push({ binding, ...(await databaseState(env, binding)) });
  }
  const ok = tenantHealth.every((t) => t.status !== "active" || t.database === "ready");
  return { ok, expectedTenantMigrations: EXPECTED_TENANT_MIGRATIONS, tenants: tenantHealth, pool };
}
