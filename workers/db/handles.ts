import { drizzle } from "drizzle-orm/d1";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import * as platformSchema from "./platform.schema";
import * as tenantSchema from "./tenant.schema";

export type PlatformDb = DrizzleD1Database<typeof platformSchema>;
export type TenantDb = DrizzleD1Database<typeof tenantSchema>;

export function platformDb(d1: D1Database): PlatformDb {
  return drizzle(d1, { schema: platformSchema });
}

/** Only tenancy/ calls this: a tenant handle comes from a resolved tenant context. */
export function tenantDbFromBinding(d1: D1Database): TenantDb {
  return drizzle(d1, { schema: tenantSchema });
}
