/**
 * caller — link the call to its caller (created on a first call) and count the call.
 * Counting is the one write of the pipeline that is not idempotent by itself, and a re-run is a
 * new workflow instance that does not share the first one's step results. So the count is
 * guarded by this step's mark in the job row, written in the same transaction: whichever run
 * (or retry) gets there first counts, every later one finds the mark and counts nothing.
 */
import { and, eq, isNull, notExists, sql } from "drizzle-orm";
import { findOrCreateCaller } from "../../callers/callers";
import { callers, calls, postCallJobs } from "../../db/tenant.schema";
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
  const mark = ctx.db
    .update(postCallJobs)
    .set({ steps: sql`json_set(${postCallJobs.steps}, '$.caller', 'done')`, updatedAt: now })
    .where(eq(postCallJobs.callSid, call.callSid));
  if (!caller) {
    await mark;
    return { state: "done", phone, callerId: null };
  }
  const counted = ctx.db
    .select({ one: sql`1` })
    .from(postCallJobs)
    .where(
      and(
        eq(postCallJobs.callSid, call.callSid),
        sql`json_extract(${postCallJobs.steps}, '$.caller') = 'done'`,
      ),
    );
  await ctx.db.batch([
    ctx.db
      .update(calls)
      .set({ callerId: caller.id })
      .where(and(eq(calls.callSid, call.callSid), isNull(calls.callerId))),
    ctx.db
      .update(callers)
      .set({
        callCount: sql`${callers.callCount} + 1`,
        lastCallAt: sql`CASE WHEN ${callers.lastCallAt} IS NULL OR ${callers.lastCallAt} < ${call.startedAt}
          THEN ${call.startedAt} ELSE ${callers.lastCallAt} END`,
        updatedAt: now,
      })
      .where(and(eq(callers.id, caller.id), notExists(counted))),
    mark,
  ]);
  return { state: "done", phone, callerId: caller.id };
}
