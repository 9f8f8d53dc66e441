/**
 * Forgetting a caller: everything this tenant holds about one phone number is erased in one
 * transaction (memories and their history, vectors, calls, transcripts, summaries, metrics
 * and averages, messages, leads, queued SMS, post-call job state, the caller row), and a
 * receipt of counts is returned. Vectors go first: Vectorize needs the memory ids to delete.
 * Nothing of the caller is searchable afterwards (FTS rows go with the memories' trigger).
 *
 * Outside the tenant database, first: the call objects of the caller's calls that still hold
 * them (their storage is cleared; a live call is left to clear itself once recorded), and their
 * voicemail recordings at Twilio (DELETE on the Recording; one already gone counts). If Twilio
 * fails, nothing in the database is erased and the answer is an error, so forgetting again
 * finishes the job: the recording URLs are what tells us what to delete.
 */
import { z } from "zod";
import type { CallSession } from "../../durable-objects/call-session/call-session.do";
import type { Principal } from "../auth/principal";
import { audit } from "../audit/audit";
import { findCallerByPhone } from "../callers/callers";
import { platformDb } from "../db/handles";
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { TenantContext } from "../tenancy/tenant-context";
import type { TwilioRestClient } from "../twilio/rest";
import { twilioRestFor } from "../twilio/rest";
import { memoryServices } from "./services";

export const ErasedCounts = z.object({
  caller: z.number().int(),
  memories: z.number().int(),
  vectors: z.number().int(),
  calls: z.number().int(),
  transcriptTurns: z.number().int(),
  summaries: z.number().int(),
  personalityMetrics: z.number().int(),
  personalityAverages: z.number().int(),
  messages: z.number().int(),
  leads: z.number().int(),
  leadEvents: z.number().int(),
  smsOutbox: z.number().int(),
  postCallJobs: z.number().int(),
  /** Call objects whose stored transcript and caller number were cleared. */
  callObjects: z.number().int(),
  /** Voicemail recordings deleted at Twilio. */
  recordings: z.number().int(),
});
export type ErasedCounts = z.infer<typeof ErasedCounts>;

export const ForgetReceipt = z.object({
  phone: z.string(),
  /** False when the tenant had no caller with this number (nothing to erase). */
  known: z.boolean(),
  erased: ErasedCounts,
  erasedAt: z.string(),
});
export type ForgetReceipt = z.infer<typeof ForgetReceipt>;

const zero: ErasedCounts = {
  caller: 0,
  memories: 0,
  vectors: 0,
  calls: 0,
  transcriptTurns: 0,
  summaries: 0,
  personalityMetrics: 0,
  personalityAverages: 0,
  messages: 0,
  leads: 0,
  leadEvents: 0,
  smsOutbox: 0,
  postCallJobs: 0,
  callObjects: 0,
  recordings: 0,
};

/** What forget reaches outside the tenant database (absent in unit tests of the database part). */
export interface ForgetOutside {
  callSessions?: DurableObjectNamespace<CallSession>;
  /** The tenant's Twilio client, made only when there is a recording to delete. */
  twilio?: () => Promise<TwilioRestClient>;
}

const RECORDING_SID = /\/Recordings\/(RE[0-9a-fA-F]{32})/;

async function forgetOutside(
  ctx: TenantContext,
  phone: string,
  callerId: string,
  outside: ForgetOutside,
): Promise<Result<{ callObjects: number; recordings: number }>> {
  const callsOf = "(SELECT call_sid FROM calls WHERE caller_id = ?1 OR from_number = ?2)";
  const [calls, recorded] = await ctx.d1.batch<{ call_sid?: string; recording_url?: string }>([
    ctx.d1.prepare(`SELECT call_sid FROM calls WHERE call_sid IN ${callsOf}`).bind(callerId, phone),
    ctx.d1
      .prepare(
        `SELECT recording_url FROM messages WHERE recording_url IS NOT NULL
           AND (caller_id = ?1 OR callback_number = ?2 OR call_sid IN ${callsOf})`,
      )
      .bind(callerId, phone),
  ]);
  let recordings = 0;
  const sids = (recorded?.results ?? []).flatMap((r) => {
    const sid = RECORDING_SID.exec(r.recording_url ?? "")?.[1];
    return sid ? [sid] : [];
  });
  if (sids.length > 0 && outside.twilio) {
    const twilio = await outside.twilio();
    for (const sid of sids) {
      const result = await twilio.deleteRecording(sid);
      if (!result.ok)
        return fail(
          "twilio_failed",
          "Twilio did not delete a voicemail recording, so nothing was forgotten yet; try again",
        );
      if (result.value.deleted) recordings += 1;
    }
  }
  let callObjects = 0;
  const namespace = outside.callSessions;
  if (namespace) {
    const answers = await Promise.all(
      (calls?.results ?? []).flatMap((r) =>
        r.call_sid
          ? [namespace.get(namespace.idFromName(r.call_sid)).forgetCaller(ctx.tenantId, phone)]
          : [],
      ),
    );
    callObjects = answers.filter((a) => a.held && a.cleared).length;
  }
  return ok({ callObjects, recordings });
}

export async function forgetCaller(
  ctx: TenantContext,
  phone: string,
  outside: ForgetOutside = {},
): Promise<Result<ForgetReceipt>> {
  const erasedAt = new Date().toISOString();
  const caller = await findCallerByPhone(ctx, phone);
  // Calls can exist without a caller row (a call that failed before the caller was created).
  const callsOf = "(SELECT call_sid FROM calls WHERE caller_id = ?1 OR from_number = ?2)";
  const callerId = caller?.id ?? "";
  const away = await forgetOutside(ctx, phone, callerId, outside);
  if (!away.ok) return away;
  const vectors = caller ? await memoryServices(ctx).vectors.deleteByCaller(caller.id) : 0;

  const steps: [keyof ErasedCounts | null, string][] = [
    ["memories", "DELETE FROM memories WHERE caller_id = ?1"],
    [null, "DELETE FROM memory_vectors WHERE caller_id = ?1"],
    ["transcriptTurns", `DELETE FROM transcript_turns WHERE call_sid IN ${callsOf}`],
    ["summaries", `DELETE FROM call_summaries WHERE caller_id = ?1 OR call_sid IN ${callsOf}`],
    ["personalityMetrics", "DELETE FROM personality_metrics WHERE caller_id = ?1"],
    ["personalityAverages", "DELETE FROM personality_averages WHERE caller_id = ?1"],
    [
      "messages",
      `DELETE FROM messages WHERE caller_id = ?1 OR callback_number = ?2 OR call_sid IN ${callsOf}`,
    ],
    [
      "leadEvents",
      "DELETE FROM lead_events WHERE lead_id IN (SELECT id FROM leads WHERE caller_id = ?1 OR phone = ?2)",
    ],
    ["leads", "DELETE FROM leads WHERE caller_id = ?1 OR phone = ?2"],
    // Texts about the caller's calls, and any text to the caller themselves.
    ["smsOutbox", `DELETE FROM sms_outbox WHERE call_sid IN ${callsOf} OR to_number = ?2`],
    ["postCallJobs", `DELETE FROM post_call_jobs WHERE call_sid IN ${callsOf}`],
    ["calls", "DELETE FROM calls WHERE caller_id = ?1 OR from_number = ?2"],
    ["caller", "DELETE FROM callers WHERE id = ?1"],
  ];
  // D1 counts the FTS trigger's writes in `changes`, so memories are counted in the same transaction.
  const countMemories = ctx.d1
    .prepare("SELECT COUNT(*) AS n FROM memories WHERE caller_id = ?1")
    .bind(callerId);
  const [counted, ...results] = await ctx.d1.batch<{ n: number }>([
    countMemories,
    ...steps.map(([, sql]) =>
      sql.includes("?2")
        ? ctx.d1.prepare(sql).bind(callerId, phone)
        : ctx.d1.prepare(sql).bind(callerId),
    ),
  ]);
  const erased: ErasedCounts = { ...zero, ...away.value, vectors };
  steps.forEach(([name], i) => {
    if (name && name !== "memories") erased[name] += results[i]?.meta.changes ?? 0;
  });
  erased.memories = counted?.results[0]?.n ?? 0;
  return ok({ phone, known: caller !== null, erased, erasedAt });
}

/** Who asked for a caller to be forgotten, for the audit log. */
export interface ForgetRequest {
  phone: string;
  principal: Principal | undefined;
  requestId: string;
}

/**
 * Forgets a caller and records that it happened. The audit row lives in the platform database,
 * which cannot share a batch with the tenant database's erasure: it is written right after.
 */
export async function forgetCallerOnRecord(
  env: Env,
  ctx: TenantContext,
  request: ForgetRequest,
): Promise<Result<ForgetReceipt>> {
  const receipt = await forgetCaller(ctx, request.phone, {
    callSessions: env.CALL_SESSION,
    twilio: () => twilioRestFor(env, ctx.tenantId),
  });
  if (!receipt.ok) return receipt;
  await audit(platformDb(env.PLATFORM_DB), request.principal, {
    action: "caller.forgotten",
    tenantId: ctx.tenantId,
    // The number itself is not kept: a forgotten caller must not live on in the audit log.
    target: `caller:${(await sha256Hex(`${ctx.tenantId}:${request.phone}`)).slice(0, 16)}`,
    detail: { ...receipt.value.erased },
    requestId: request.requestId,
  });
  return receipt;
}

/** Members who may forget a caller from the admin app: owners and admins (and API keys). */
export function mayForgetCallers(ctx: TenantContext): Result<null> {
  if (
    ctx.via === "user" &&
    ctx.role !== "owner" &&
    ctx.role !== "admin" &&
    ctx.role !== "platform_admin"
  )
    return fail("forbidden", "Only owners and admins may forget a caller");
  return ok(null);
}
