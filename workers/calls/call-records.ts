/**
 * Call rows in the tenant database: created when the voice webhook answers, moved forward by
 * status callbacks, and finalised once — call fields, transcript turns and the post-call job.
 *
 * "Once" is kept by the database, not by memory: finalisation is a single transaction whose
 * last statement flips `post_call_status` from `none` to `queued`; only the writer that flips it
 * queues the job and adds usage. The call object, the status callback and a socket-loss alarm
 * may all try; one wins, the others change nothing.
 */
import { and, eq, inArray, notInArray } from "drizzle-orm";
import { calls } from "../db/tenant.schema";
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
  const guard = "EXISTS (SELECT 1 FROM calls WHERE call_sid = ?1 AND post_call_status = 'none')";
  const statements: D1PreparedStatement[] = [
    // The voice webhook made the row; this only covers a call it could not record.
    ctx.d1
      .prepare(
        `INSERT INTO calls (call_sid, caller_id, from_number, to_number, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (call_sid) DO NOTHING`,
      )
      .bind(record.callSid, record.callerId, record.fromNumber, record.toNumber, record.startedAt),
    ...record.turns.map((turn) =>
      ctx.d1
        .prepare(
          `INSERT INTO transcript_turns (call_sid, seq, speaker, text, at)
           SELECT ?1, ?2, ?3, ?4, ?5 WHERE ${guard}
           ON CONFLICT (call_sid, seq) DO NOTHING`,
        )
        .bind(record.callSid, turn.seq, turn.speaker, transcriptText(turn), turn.at),
    ),
    ctx.d1
      .prepare(
        `UPDATE calls SET
           caller_id = COALESCE(?2, caller_id),
           status = CASE WHEN status IN ('completed','busy','failed','no-answer','canceled') THEN status
                         ELSE COALESCE(?3, 'completed') END,
           outcome = ?4, end_reason = ?5, transferred_to = ?6, tools_used = ?7,
           model_input_tokens = ?8, model_output_tokens = ?9,
           ended_at = ?10, duration_seconds = ?11,
           post_call_status = 'queued', updated_at = ?10
         WHERE call_sid = ?1 AND post_call_status = 'none'`,
      )
      .bind(
        record.callSid,
        record.callerId,
        record.finalStatus ?? null,
        record.outcome,
        record.endReason,
        record.transferredTo,
        JSON.stringify(record.toolsUsed),
        record.inputTokens,
        record.outputTokens,
        record.endedAt,
        duration,
      ),
  ];
  const results = await ctx.d1.batch(statements);
  const flipped = results[results.length - 1]?.meta.changes ?? 0;
  if (flipped === 0) return { written: false, reason: "already_finalised" };

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
