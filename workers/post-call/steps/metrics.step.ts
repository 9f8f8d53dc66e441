/**
 * metrics — the caller's personality scores for this call (from the summary step's analysis)
 * and their running averages. Idempotent: one row per call and metric, and the averages are
 * recomputed from those rows, so a retry or a re-run can never count a call twice.
 */
import { eq, sql } from "drizzle-orm";
import { personalityAverages, personalityMetrics } from "../../db/tenant.schema";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallInfo } from "./call-data";
import type { CallerResult } from "./caller.step";
import type { SummaryResult } from "./summary.step";

export interface MetricsResult {
  state: "done" | "pending";
}

export async function metricsStep(
  ctx: TenantContext,
  call: CallInfo,
  caller: CallerResult,
  summary: SummaryResult,
): Promise<MetricsResult> {
  // No analysis: either no LLM yet (pending with the summary) or nothing was said (done).
  if (!summary.analysis) return { state: summary.state };
  if (!caller.callerId) return { state: "done" };
  const callerId = caller.callerId;
  const scores = Object.entries(summary.analysis.metrics).map(([metric, value]) =>
    ctx.db
      .insert(personalityMetrics)
      .values({ callSid: call.callSid, callerId, metric, value })
      .onConflictDoNothing({ target: [personalityMetrics.callSid, personalityMetrics.metric] }),
  );
  const averages = ctx.db
    .insert(personalityAverages)
    .select(
      ctx.db
        .select({
          callerId: personalityMetrics.callerId,
          metric: personalityMetrics.metric,
          average: sql<number>`AVG(${personalityMetrics.value})`.as("average"),
          samples: sql<number>`COUNT(*)`.as("samples"),
          updatedAt: sql<string>`${new Date().toISOString()}`.as("updated_at"),
        })
        .from(personalityMetrics)
        .where(eq(personalityMetrics.callerId, callerId))
        .groupBy(personalityMetrics.callerId, personalityMetrics.metric),
    )
    .onConflictDoUpdate({
      target: [personalityAverages.callerId, personalityAverages.metric],
      set: {
        average: sql`excluded.average`,
        samples: sql`excluded.samples`,
        updatedAt: sql`excluded.updated_at`,
      },
    });
  // The scores first: the averages are computed from them.
  const [first, ...rest] = scores;
  await ctx.db.batch(first ? [first, ...rest, averages] : [averages]);
  return { state: "done" };
}
