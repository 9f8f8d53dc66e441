/**
 * sms — the call summary (the LLM's, or the extractive one) queued for each of the business's
 * SMS recipients, then sent right away rather than at the next cron tick. Idempotent: the
 * outbox dedupes per call and recipient, so no run or retry texts the business twice.
 */
import { queueCallSummarySms } from "../../messaging/call-summary-sms";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallInfo } from "./call-data";

export interface SmsResult {
  state: "done";
  queued: number;
}

export async function smsStep(ctx: TenantContext, call: CallInfo): Promise<SmsResult> {
  if (ctx.config.smsRecipients.length === 0) return { state: "done", queued: 0 };
  const row = await ctx.d1
    .prepare(
      `SELECT s.summary, c.outcome, c.duration_seconds, cl.first_name, cl.last_name
         FROM call_summaries s JOIN calls c ON c.call_sid = s.call_sid
         LEFT JOIN callers cl ON cl.id = c.caller_id
        WHERE s.call_sid = ?`,
    )
    .bind(call.callSid)
    .first<{
      summary: string;
      outcome: string | null;
      duration_seconds: number | null;
      first_name: string | null;
      last_name: string | null;
    }>();
  if (!row) return { state: "done", queued: 0 };
  const callerName = [row.first_name, row.last_name].filter(Boolean).join(" ") || null;
  const queued = await queueCallSummarySms(ctx, {
    callSid: call.callSid,
    callerPhone: call.fromNumber,
    callerName,
    outcome: row.outcome,
    summary: row.summary,
    durationSeconds: row.duration_seconds,
  });
  return { state: "done", queued };
}
