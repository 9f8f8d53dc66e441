/**
 * metrics — the caller's personality scores for this call (from the summary step's analysis)
 * and their running averages. Idempotent: one row per call and metric, and the averages are
 * recomputed from those rows, so a retry or a re-run can never count a call twice.
 */
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
  const statements = Object.entries(summary.analysis.metrics).map(([metric, value]) =>
    ctx.d1
      .prepare(
        `INSERT INTO personality_metrics (call_sid, caller_id, metric, value) VALUES (?, ?, ?, ?)
         ON CONFLICT(call_sid, metric) DO NOTHING`,
      )
      .bind(call.callSid, callerId, metric, value),
  );
  statements.push(
    ctx.d1
      .prepare(
        `INSERT INTO personality_averages (caller_id, metric, average, samples, updated_at)
         SELECT caller_id, metric, AVG(value), COUNT(*), ? FROM personality_metrics
         WHERE caller_id = ? GROUP BY caller_id, metric
         ON CONFLICT(caller_id, metric) DO UPDATE SET average = excluded.average,
           samples = excluded.samples, updated_at = excluded.updated_at`,
      )
      .bind(new Date().toISOString(), callerId),
  );
  await ctx.d1.batch(statements);
  return { state: "done" };
}
