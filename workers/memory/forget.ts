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
import { and, count, eq, inArray, isNotNull, or } from "drizzle-orm";
import { z } from "zod";
import type { CallSession } from "../../durable-objects/call-session/call-session.do";
import type { Principal } from "../auth/principal";
import { audit } from "../audit/audit";
import { findCallerByPhone } from "../callers/callers";
import { platformDb } from "../db/handles";
import * as tables from "../db/tenant.schema";
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

/** The calls of this caller: by caller row, or by number (a call can predate its caller row). */
function ofCaller(callerId: string, phone: string) {
  return or(eq(tables.calls.callerId, callerId), eq(tables.calls.fromNumber, phone));
}

function callsOf(ctx: TenantContext, callerId: string, phone: string) {
  return ctx.db
    .select({ callSid: tables.calls.callSid })
    .from(tables.calls)
    .where(ofCaller(callerId, phone));
}

const RECORDING_SID = /\/Recordings\/(RE[0-9a-fA-F]{32})/;

async function forgetOutside(
  ctx: TenantContext,
  phone: string,
  callerId: string,
  outside: ForgetOutside,
): Promise<Result<{ callObjects: number; recordings: number }>> {
  const [calls, recorded] = await ctx.db.batch([
    ctx.db
      .select({ callSid: tables.calls.callSid })
      .from(tables.calls)
      .where(ofCaller(callerId, phone)),
    ctx.db
      .select({ recordingUrl: tables.messages.recordingUrl })
      .from(tables.messages)
      .where(
        and(
          isNotNull(tables.messages.recordingUrl),
          or(
            eq(tables.messages.callerId, callerId),
            eq(tables.messages.callbackNumber, phone),
            inArray(tables.messages.callSid, callsOf(ctx, callerId, phone)),
          ),
        ),
      ),
  ]);
  let recordings = 0;
  const sids = recorded.flatMap((r) => {
    const sid = RECORDING_SID.exec(r.recordingUrl ?? "")?.[1];
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
      calls.map((r) =>
        namespace.get(namespace.idFromName(r.callSid)).forgetCaller(ctx.tenantId, phone),
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
  const callerId = caller?.id ?? "";
  const away = await forgetOutside(ctx, phone, callerId, outside);
  if (!away.ok) return away;
  const vectors = caller ? await memoryServices(ctx).vectors.deleteByCaller(caller.id) : 0;

  const t = tables;
  const db = ctx.db;
  const theirCalls = callsOf(ctx, callerId, phone);
  const [counted, ...deleted] = await db.batch([
    // D1 counts the FTS trigger's writes in `changes`, so memories are counted, in the same
    // transaction, before they are deleted.
    db.select({ n: count() }).from(t.memories).where(eq(t.memories.callerId, callerId)),
    db.delete(t.memories).where(eq(t.memories.callerId, callerId)),
    db.delete(t.memoryVectors).where(eq(t.memoryVectors.callerId, callerId)),
    db.delete(t.transcriptTurns).where(inArray(t.transcriptTurns.callSid, theirCalls)),
    db
      .delete(t.callSummaries)
      .where(
        or(eq(t.callSummaries.callerId, callerId), inArray(t.callSummaries.callSid, theirCalls)),
      ),
    db.delete(t.personalityMetrics).where(eq(t.personalityMetrics.callerId, callerId)),
    db.delete(t.personalityAverages).where(eq(t.personalityAverages.callerId, callerId)),
    db
      .delete(t.messages)
      .where(
        or(
          eq(t.messages.callerId, callerId),
          eq(t.messages.callbackNumber, phone),
          inArray(t.messages.callSid, theirCalls),
        ),
      ),
    db.delete(t.leadEvents).where(
      inArray(
        t.leadEvents.leadId,
        db
          .select({ id: t.leads.id })
          .from(t.leads)
          .where(or(eq(t.leads.callerId, callerId), eq(t.leads.phone, phone))),
      ),
    ),
    db.delete(t.leads).where(or(eq(t.leads.callerId, callerId), eq(t.leads.phone, phone))),
    // Texts about the caller's calls, and any text to the caller themselves.
    db
      .delete(t.smsOutbox)
      .where(or(inArray(t.smsOutbox.callSid, theirCalls), eq(t.smsOutbox.toNumber, phone))),
    db.delete(t.postCallJobs).where(inArray(t.postCallJobs.callSid, theirCalls)),
    db.delete(t.calls).where(ofCaller(callerId, phone)),
    db.delete(t.callers).where(eq(t.callers.id, callerId)),
  ]);
  // The memory_vectors rows were counted by the vector store (`vectors`) before this batch.
  const counts: (keyof ErasedCounts | null)[] = [
    null,
    null,
    "transcriptTurns",
    "summaries",
    "personalityMetrics",
    "personalityAverages",
    "messages",
    "leadEvents",
    "leads",
    "smsOutbox",
    "postCallJobs",
    "calls",
    "caller",
  ];
  const erased: ErasedCounts = { ...zero, ...away.value, vectors };
  counts.forEach((name, i) => {
    if (name) erased[name] += deleted[i]?.meta.changes ?? 0;
  });
  erased.memories = counted[0]?.n ?? 0;
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
