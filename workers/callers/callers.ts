/** Callers of one tenant. Every function takes the tenant's context: there is no other way in. */
import { desc, eq, like, or } from "drizzle-orm";
import { callers } from "../db/tenant.schema";
import type { TenantContext } from "../tenancy/tenant-context";

export type CallerRow = typeof callers.$inferSelect;

export interface CallerView {
  id: string;
  phone: string;
  firstName: string | null;
  lastName: string | null;
  profile: Record<string, unknown>;
  profileTemplate: string | null;
  bio: string;
  callCount: number;
  lastCallAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toCallerView(row: CallerRow): CallerView {
  let profile: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.profile);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      profile = parsed as Record<string, unknown>;
  } catch {
    profile = {};
  }
  return { ...row, profile };
}

export async function findCallerByPhone(
  ctx: TenantContext,
  phone: string,
): Promise<CallerView | null> {
  const row = await ctx.db.query.callers.findFirst({ where: eq(callers.phone, phone) });
  return row ? toCallerView(row) : null;
}

export async function listCallers(
  ctx: TenantContext,
  options: { search?: string; limit: number; offset: number },
): Promise<CallerView[]> {
  const term = options.search ? `%${options.search.replace(/[%_]/g, "")}%` : null;
  const rows = await ctx.db
    .select()
    .from(callers)
    .where(
      term
        ? or(
            like(callers.phone, term),
            like(callers.firstName, term),
            like(callers.lastName, term),
            like(callers.bio, term),
          )
        : undefined,
    )
    .orderBy(desc(callers.updatedAt))
    .limit(options.limit)
    .offset(options.offset);
  return rows.map(toCallerView);
}
