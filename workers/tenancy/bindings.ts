/**
 * The one place that reads tenant database bindings by name. Everything else receives a
 * TenantContext (tenant-context.ts) and never sees a binding name from a request.
 */
import tenantJournal from "../../migrations/tenant/meta/_journal.json";
import type { Env } from "../env";

export const TENANT_BINDING_PREFIX = "TENANT_";
export const POOL_BINDING_PREFIX = "TENANT_POOL_";

/** Migration files the deployed code expects every tenant database to have applied, in order. */
export const EXPECTED_TENANT_MIGRATIONS: readonly string[] = tenantJournal.entries.map(
  (e) => `${e.tag}.sql`,
);

function isD1(value: unknown): value is D1Database {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { prepare?: unknown }).prepare === "function"
  );
}

export function tenantDatabase(env: Env, binding: string): D1Database | null {
  if (!binding.startsWith(TENANT_BINDING_PREFIX)) return null;
  const value: unknown = (env as unknown as Record<string, unknown>)[binding];
  return isD1(value) ? value : null;
}

/** All tenant database bindings this deploy carries. */
export function boundTenantDatabases(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith(TENANT_BINDING_PREFIX) && tenantDatabase(env, name) !== null)
    .sort();
}

export interface MigrationState {
  applied: string[];
  missing: string[];
  upToDate: boolean;
}

export async function tenantMigrationState(db: D1Database): Promise<MigrationState> {
  let applied: string[] = [];
  try {
    // Raw: d1_migrations is wrangler's own table, not part of the tenant schema.
    const rows = await db
      .prepare("SELECT name FROM d1_migrations ORDER BY id")
      .all<{ name: string }>();
    applied = rows.results.map((r) => r.name);
  } catch {
    // No d1_migrations table: the database was never migrated.
    applied = [];
  }
  const missing = EXPECTED_TENANT_MIGRATIONS.filter((name) => !applied.includes(name));
  return { applied, missing, upToDate: missing.length === 0 };
}

// Migration state only changes with a deploy, which starts fresh isolates; checking once per isolate is enough.
const verifiedBindings = new Set<string>();

export async function isMigrated(binding: string, db: D1Database): Promise<boolean> {
  if (verifiedBindings.has(binding)) return true;
  const state = await tenantMigrationState(db);
  if (state.upToDate) verifiedBindings.add(binding);
  return state.upToDate;
}
