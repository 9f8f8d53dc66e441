/**
 * The warm pool: tenant databases provisioned and migrated ahead of time, claimed by a tenant
 * when it is created and retired (never handed on) when it is offboarded.
 */
import { ne } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { tenantDatabases, tenants } from "../db/platform.schema";
import type { Env } from "../env";
import { POOL_BINDING_PREFIX, boundTenantDatabases, isMigrated, tenantDatabase } from "./bindings";

/** Pool databases this deploy carries that no tenant holds and that are fully migrated. */
export async function availablePoolBindings(env: Env): Promise<string[]> {
  const db = platformDb(env.PLATFORM_DB);
  const taken = new Set(
    (
      await db
        .select({ binding: tenantDatabases.binding })
        .from(tenantDatabases)
        .where(ne(tenantDatabases.status, "available"))
    ).map((r) => r.binding),
  );
  const held = new Set(
    (await db.select({ binding: tenants.d1Binding }).from(tenants)).map((r) => r.binding),
  );
  const out: string[] = [];
  for (const binding of boundTenantDatabases(env)) {
    if (!binding.startsWith(POOL_BINDING_PREFIX) || taken.has(binding) || held.has(binding))
      continue;
    const d1 = tenantDatabase(env, binding);
    if (d1 && (await isMigrated(binding, d1))) out.push(binding);
  }
  return out;
}

/** The statement that marks a pool database as the tenant's; batch it with the tenant's insert. */
export function claimPoolDatabase(db: PlatformDb, binding: string, tenantId: string, now: string) {
  return db
    .insert(tenantDatabases)
    .values({ binding, databaseName: binding, status: "assigned", tenantId, claimedAt: now })
    .onConflictDoUpdate({
      target: tenantDatabases.binding,
      set: { status: "assigned", tenantId, claimedAt: now },
    });
}

/** The statement that retires an offboarded tenant's database, so no other tenant gets it. */
export function retirePoolDatabase(db: PlatformDb, binding: string, tenantId: string) {
  return db
    .insert(tenantDatabases)
    .values({ binding, databaseName: binding, status: "retired", tenantId })
    .onConflictDoUpdate({ target: tenantDatabases.binding, set: { status: "retired" } });
}
