/** Usage per tenant from the platform's daily rollups (`usage_daily`), shaped for a chart. */
import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { tenants, usageDaily } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { Usage } from "./usage.schema";

export const DEFAULT_USAGE_DAYS = 30;
/** A chart of more days than this is unreadable and the query unbounded. */
export const MAX_USAGE_DAYS = 366;

const empty = (): Usage => ({
  calls: 0,
  minutes: 0,
  callSeconds: 0,
  modelInputTokens: 0,
  modelOutputTokens: 0,
  smsSent: 0,
});

function withMinutes(u: Omit<Usage, "minutes">): Usage {
  return { ...u, minutes: Math.round((u.callSeconds / 60) * 10) / 10 };
}

function day(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface UsageRange {
  from: string;
  to: string;
  days: string[];
}

/** The inclusive day range asked for, defaulting to the last 30 days, at most 366 days long. */
export function usageRange(
  from: string | undefined,
  to: string | undefined,
  now = new Date(),
): Result<UsageRange> {
  const end = to ?? day(now);
  const start =
    from ?? day(new Date(Date.parse(`${end}T00:00:00Z`) - (DEFAULT_USAGE_DAYS - 1) * 86_400_000));
  const days: string[] = [];
  for (
    let t = Date.parse(`${start}T00:00:00Z`);
    t <= Date.parse(`${end}T00:00:00Z`);
    t += 86_400_000
  ) {
    days.push(day(new Date(t)));
    if (days.length > MAX_USAGE_DAYS)
      return fail("invalid_request", `from: the range may cover at most ${MAX_USAGE_DAYS} days`);
  }
  return ok({ from: start, to: end, days });
}

export async function tenantUsage(
  db: PlatformDb,
  tenantId: string,
  range: UsageRange,
): Promise<{ totals: Usage; days: (Usage & { day: string })[] }> {
  const rows = await db
    .select()
    .from(usageDaily)
    .where(
      and(
        eq(usageDaily.tenantId, tenantId),
        gte(usageDaily.day, range.from),
        lte(usageDaily.day, range.to),
      ),
    );
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const totals = empty();
  const days = range.days.map((d) => {
    const r = byDay.get(d);
    const u = withMinutes({
      calls: r?.calls ?? 0,
      callSeconds: r?.callSeconds ?? 0,
      modelInputTokens: r?.modelInputTokens ?? 0,
      modelOutputTokens: r?.modelOutputTokens ?? 0,
      smsSent: r?.smsSent ?? 0,
    });
    totals.calls += u.calls;
    totals.callSeconds += u.callSeconds;
    totals.modelInputTokens += u.modelInputTokens;
    totals.modelOutputTokens += u.modelOutputTokens;
    totals.smsSent += u.smsSent;
    return { day: d, ...u };
  });
  return { totals: withMinutes(totals), days };
}

export async function usageByTenant(
  db: PlatformDb,
  range: { from: string; to: string },
): Promise<{ tenantId: string; slug: string; businessName: string; totals: Usage }[]> {
  const sums = await db
    .select({
      tenantId: usageDaily.tenantId,
      calls: sql<number>`sum(${usageDaily.calls})`,
      callSeconds: sql<number>`sum(${usageDaily.callSeconds})`,
      modelInputTokens: sql<number>`sum(${usageDaily.modelInputTokens})`,
      modelOutputTokens: sql<number>`sum(${usageDaily.modelOutputTokens})`,
      smsSent: sql<number>`sum(${usageDaily.smsSent})`,
    })
    .from(usageDaily)
    .where(and(gte(usageDaily.day, range.from), lte(usageDaily.day, range.to)))
    .groupBy(usageDaily.tenantId);
  const byTenant = new Map(sums.map((s) => [s.tenantId, s]));
  const all = await db.select().from(tenants).orderBy(tenants.businessName);
  return all.map((t) => {
    const s = byTenant.get(t.id);
    return {
      tenantId: t.id,
      slug: t.slug,
      businessName: t.businessName,
      totals: s
        ? withMinutes({
            calls: Number(s.calls),
            callSeconds: Number(s.callSeconds),
            modelInputTokens: Number(s.modelInputTokens),
            modelOutputTokens: Number(s.modelOutputTokens),
            smsSent: Number(s.smsSent),
          })
        : empty(),
    };
  });
}
