/**
 * Call rows in the tenant database: created when the voice webhook answers, moved forward by
 * status callbacks, and finalised once — call fields, transcript turns and the post-call job.
 *
 * "Once" is kept by the database, not by memory: finalisation is a single transaction whose
 * last statement flips `post_call_status` from `none` to `queued`; only the writer that flips it
 * queues the job and adds usage. The call object, the status callback and a socket-loss alarm
 * may all try; one wins, the others change nothing.
 */
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { calls, transcriptTurns } from "../db/tenant.schema";
import type { Env } from "../env";
import { log } from "../observability/log";
import type { PostCallJob } from "../post-call/post-call-job.schema";
import type { TenantContext } from "../tenancy/tenant-context";
import { addCallUsage, usageDay } from "../usage/call-usage";

export type CallRow = typeof calls.$inferSelect;

export const FINAL_CALL_STATUSES = [
  "completed",
  "busy",
  "failed",
  "no-answer",
  "canceled",
] as const;
const FINAL: ReadonlySet<string> = new Set(FINAL_CALL_STATUSES);

/** Twilio's call statuses in the order a call moves through them. */
const STATUS_RANK: Record<string, number> = {
  queued: 0,
  initiated: 0,
  ringing: 1,
  "in-progress": 2,
  answered: 2,
};

export function isFinalStatus(status: string): boolean {
  return FINAL.has(status);
}

function rank(status: string): number {
  return FINAL.has(status) ? 3 : (STATUS_RANK[status] ?? -1);
}

export async function recordIncomingCall(
  ctx: TenantContext,
  call: { callSid: string; from: string; to: string; callerId: string | null; startedAt: string },
): Promise<void> {
  await ctx.db
    .insert(calls)
    .values({
      callSid: call.callSid,
      callerId: call.callerId,
      fromNumber: call.from,
      toNumber: call.to,
      status: "in-progress",
      startedAt: call.startedAt,
    })
    .onConflictDoNothing();
}

export async function getCall(ctx: TenantContext, callSid: string): Promise<CallRow | null> {
  return (await ctx.db.query.calls.findFirst({ where: eq(calls.callSid, callSid) })) ?? null;
}

/**
 * Moves the call's status forward only: a repeated or late callback (ringing after completed,
 * in-progress after in-progress) changes nothing. Returns whether the row changed.
 */
export async function applyCallStatus(
  ctx: TenantContext,
  callSid: string,
  status: string,
): Promise<boolean> {
  const newRank = rank(status);
  if (newRank < 0) return false;
  const lowerStatuses = Object.keys(STATUS_RANK).filter((s) => rank(s) < newRank);
  const result = await ctx.db
    .update(calls)
    .set({ status, updatedAt: new Date().toISOString() })
    .where(
      and(
        eq(calls.callSid, callSid),
        newRank === 3
          ? notInArray(calls.status, [...FINAL_CALL_STATUSES])
          : inArray(calls.status, lowerStatuses),
      ),
    );
  return result.meta.changes > 0;
}

export interface TranscriptTurn {
  seq: number;
  speaker: "caller" | "agent" | "system";
  /** For an interrupted agent turn, only the words the caller heard. */
  text: string;
  at: string;
  /** The caller cut this agent turn off after `heardMs` of its `audioMs` of audio. */
  interrupted?: { heardMs: number; audioMs: number };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/**
 * The text stored in the call log: an interrupted agent turn says so, with how much was heard,
 * so neither a reader nor the post-call summary takes unheard words as said.
 */
export function transcriptText(turn: TranscriptTurn): string {
  if (!turn.interrupted) return turn.text;
  const note = `[interrupted by the caller after ${seconds(turn.interrupted.heardMs)} s of ${seconds(turn.interrupted.audioMs)} s]`;
  return turn.text ? `${turn.text}… ${note}` : note;
}

export interface FinalCallRecord {
  callSid: string;
  callerId: string | null;
  fromNumber: string;
  toNumber: string;
  startedAt: string;
  endedAt: string;
  outcome: string;
  endReason: string;
  transferredTo: string | null;
  toolsUsed: string[];
  inputTokens: number;
  outputTokens: number;
  /** Twilio's own duration when known (status callback), else ours. */
  durationSeconds?: number;
  /** Set when Twilio has told us the call is over. */
  finalStatus?: string;
  turns: TranscriptTurn[];
}

export type FinaliseResult =
  { written: true; queued: boolean } | { written: false; reason: "already_finalised" };

function secondsBetween(startIso: string, endIso: string): number {
  const ms = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms / 1000) : 0;
}

/**
 * Writes the finished call (fields + transcript) in one transaction, then queues one post-call
 * job and adds the usage. Safe to call any number of times from anywhere.
 */
export async function finaliseCall(
  env: Env,
  ctx: TenantContext,
  record: FinalCallRecord,
): Promise<FinaliseResult> {
  const duration = record.durationSeconds ?? secondsBetween(record.startedAt, record.endedAt);
  // Turns are written only while the call is not finalised: selected from the call's row when
  // it still says so (the same batch flips it below, so a second finalise writes none).
  const open = and(eq(calls.callSid, record.callSid), eq(calls.postCallStatus, "none"));
  const turns = record.turns.map((turn) =>
    ctx.db
      .insert(transcriptTurns)
      .select(
        ctx.db
          .select({
            id: sql<number>`NULL`.as("id"),
            callSid: calls.callSid,
            seq: sql<number>`${turn.seq}`.as("seq"),
            speaker: sql<TranscriptTurn["speaker"]>`${turn.speaker}`.as("speaker"),
            text: sql<string>`${transcriptText(turn)}`.as("text"),
            at: sql<string>`${turn.at}`.as("at"),
          })
          .from(calls)
          .where(open),
      )
      .onConflictDoNothing({ target: [transcriptTurns.callSid, transcriptTurns.seq] }),
  );
  const results = await ctx.db.batch([
    // The voice webhook made the row; this only covers a call it could not record.
    ctx.db
      .insert(calls)
      .values({
        callSid: record.callSid,
        callerId: record.callerId,
        fromNumber: record.fromNumber,
        toNumber: record.toNumber,
        startedAt: record.startedAt,
      })
      .onConflictDoNothing({ target: calls.callSid }),
    ...turns,
    ctx.db
      .update(calls)
      .set({
        callerId: sql`COALESCE(${record.callerId}, ${calls.callerId})`,
        status: sql`CASE WHEN ${calls.status} IN ('completed','busy','failed','no-answer','canceled')
          THEN ${calls.status} ELSE COALESCE(${record.finalStatus ?? null}, 'completed') END`,
        outcome: record.outcome,
        endReason: record.endReason,
        transferredTo: record.transferredTo,
        toolsUsed: JSON.stringify(record.toolsUsed),
        modelInputTokens: record.inputTokens,
        modelOutputTokens: record.outputTokens,
        endedAt: record.endedAt,
        durationSeconds: duration,
        postCallStatus: "queued",
        updatedAt: record.endedAt,
      })
      .where(open)
      .returning({ callSid: calls.callSid }),
  ]);
  // The last statement flips the call: it returns the row only when this finalise wrote it.
  const flipped = results.at(-1);
  if (!Array.isArray(flipped) || flipped.length === 0)
    return { written: false, reason: "already_finalised" };

  const job: PostCallJob = {
    kind: "post_call",
    tenantId: ctx.tenantId,
    callSid: record.callSid,
    enqueuedAt: new Date().toISOString(),
  };
  let queued = true;
  try {
    await env.POST_CALL_QUEUE.send(job);
  } catch (err) {
    queued = false;
    // Leave the call findable for a retry rather than pretending the job exists.
    await ctx.db
      .update(calls)
      .set({ postCallStatus: "failed" })
      .where(eq(calls.callSid, record.callSid));
    log("error", "call.post_call_enqueue_failed", {
      tenantId: ctx.tenantId,
      callSid: record.callSid,
      message: err instanceof Error ? err.message : String(err),
    });
  }
  try {
    await addCallUsage(env, ctx.tenantId, usageDay(record.startedAt), {
      callSeconds: duration,
      inputTokens: record.inputTokens,
      outputTokens: record.outputTokens,
    });
  } catch (err) {
    log("error", "call.usage_failed", {
      tenantId: ctx.tenantId,
      callSid: record.callSid,
      message: err instanceof Error ? err.message : String(err),
    });
  }
  log("info", "call.finalised", {
    tenantId: ctx.tenantId,
    callSid: record.callSid,
    outcome: record.outcome,
    endReason: record.endReason,
    turns: record.turns.length,
    durationSeconds: duration,
  });
  return { written: true, queued };
}
