/**
 * sms — the call summary (the LLM's, or the extractive one) queued for each of the business's
 * SMS recipients, then sent right away rather than at the next cron tick. Idempotent: the
 * outbox dedupes per call and recipient, so no run or retry texts the business twice.
 */
import { eq } from "drizzle-orm";
import { callSummaries, callers, calls } from "../../db/tenant.schema";
import { queueCallSummarySms } from "../../messaging/call-summary-sms";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallInfo } from "./call-data";

export interface SmsResult {
  state: "done";
  queued: number;
}

export async function smsStep(ctx: TenantContext, call: CallInfo): Promise<SmsResult> {
  if (ctx.config.smsRecipients.length === 0) return { state: "done", queued: 0 };
  const [row] = await ctx.db
    .select({
      summary: callSummaries.summary,
      outcome: calls.outcome,
      durationSeconds: calls.durationSeconds,
      firstName: callers.firstName,
      lastName: callers.lastName,
    })
    .from(callSummaries)
    .innerJoin(calls, eq(calls.callSid, callSummaries.callSid))
    .leftJoin(callers, eq(callers.id, calls.callerId))
    .where(eq(callSummaries.callSid, call.callSid))
    .limit(1);
  if (!row) return { state: "done", queued: 0 };
  const callerName = [row.firstName, row.lastName].filter(Boolean).join(" ") || null;
  const queued = await queueCallSummarySms(ctx, {
    callSid: call.callSid,
    callerPhone: call.fromNumber,
    callerName,
    outcome: row.outcome,
    summary: row.summary,
    durationSeconds: row.durationSeconds,
  });
  return { state: "done", queued };
}
