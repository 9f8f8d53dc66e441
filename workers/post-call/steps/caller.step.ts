/**
 * caller — link the call to its caller (created on a first call) and count the call.
 * Counting is the one write of the pipeline that is not idempotent by itself, and a re-run is a
 * new workflow instance that does not share the first one's step results. So the count is
 * guarded by this step's mark in the job row, written in the same transaction: whichever run
 * (or retry) gets there first counts, every later one finds the mark and counts nothing.
 */
import { findOrCreateCaller } from "../../callers/callers";
import { normalizePhone } from "../../lib/phone";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallInfo } from "./call-data";

export interface CallerResult {
  state: "done";
  /** The caller's E.164 number; null when the number was withheld or unusable. */
  phone: string | null;
  callerId: string | null;
}

export async function callerStep(ctx: TenantContext, call: CallInfo): Promise<CallerResult> {
  const phone = normalizePhone(call.fromNumber);
  const caller = phone ? await findOrCreateCaller(ctx, phone) : null;
  const now = new Date().toISOString();
  const mark = ctx.d1
    .prepare(
      `UPDATE post_call_jobs SET steps = json_set(steps, '$.caller', 'done'), updated_at = ?
        WHERE call_sid = ?`,
    )
    .bind(now, call.callSid);
  if (!caller) {
    await mark.run();
    return { state: "done", phone, callerId: null };
  }
  await ctx.d1.batch([
    ctx.d1
      .prepare("UPDATE calls SET caller_id = ? WHERE call_sid = ? AND caller_id IS NULL")
      .bind(caller.id, call.callSid),
    ctx.d1
      .prepare(
        `UPDATE callers SET call_count = call_count + 1,
           last_call_at = CASE WHEN last_call_at IS NULL OR last_call_at < ? THEN ? ELSE last_call_at END,
           updated_at = ?
         WHERE id = ? AND NOT EXISTS (SELECT 1 FROM post_call_jobs
           WHERE call_sid = ? AND json_extract(steps, '$.caller') = 'done')`,
      )
      .bind(call.startedAt, call.startedAt, now, caller.id, call.callSid),
    mark,
  ]);
  return { state: "done", phone, callerId: caller.id };
}
