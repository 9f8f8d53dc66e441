/**
 * `POST /v2/process-call`: run (or re-run the pending steps of) a call's post-call job now. A
 * call that happened elsewhere (the phone orchestrator sends its transcript) is first recorded
 * as a completed call queued for the post-call steps, with its turns, in one transaction.
 */
import { asc, eq } from "drizzle-orm";
import { platformDb } from "../db/handles";
import { phoneNumbers } from "../db/platform.schema";
import { calls, transcriptTurns } from "../db/tenant.schema";
import type { Env } from "../env";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import { runPostCallNow } from "../post-call/start";
import type { PostCallOutcome } from "../post-call/post-call.schema";
import type { TenantContext } from "../tenancy/tenant-context";

export interface IngestedCall {
  /** The call's sid; one is made up when the orchestrator sent none. */
  callSid?: string;
  phone: string;
  /** The tenant's number the call came in on; defaults to the tenant's first number. */
  toNumber?: string;
  transcript: { speaker: "caller" | "agent" | "system"; text: string; at?: string }[];
}

/**
 * The tenant's own number an ingested call is recorded against: `requested` when it is one of
 * the tenant's numbers, else the tenant's first number. A tenant without numbers cannot record
 * calls (to_number is required on a call record).
 */
async function tenantLineFor(
  env: Env,
  tenantId: string,
  requested: string | undefined,
): Promise<Result<string>> {
  const rows = await platformDb(env.PLATFORM_DB)
    .select({ e164: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.tenantId, tenantId))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.e164));
  const numbers = rows.map((r) => r.e164);
  if (requested !== undefined) {
    return numbers.includes(requested)
      ? ok(requested)
      : fail("unknown_number", `to_number: ${requested} is not one of this tenant's phone numbers`);
  }
  const first = numbers[0];
  if (first === undefined)
    return fail(
      "no_phone_number",
      "This tenant has no phone number to record the call against; add one first",
    );
  return ok(first);
}

/** Records the call and its transcript; its sid, for the post-call run. */
async function ingestCall(
  env: Env,
  ctx: TenantContext,
  call: IngestedCall,
): Promise<Result<string>> {
  const callSid = call.callSid ?? `CA${crypto.randomUUID().replace(/-/g, "")}`;
  const existing = await ctx.db
    .select({ callSid: calls.callSid })
    .from(calls)
    .where(eq(calls.callSid, callSid))
    .get();
  if (existing)
    return fail("conflict", `Call ${callSid} is already recorded; send only call_sid to re-run it`);
  const line = await tenantLineFor(env, ctx.tenantId, call.toNumber);
  if (!line.ok) return line;
  const now = new Date().toISOString();
  await ctx.db.batch([
    ctx.db.insert(calls).values({
      callSid,
      fromNumber: call.phone,
      toNumber: line.value,
      status: "completed",
      startedAt: call.transcript[0]?.at ?? now,
      endedAt: now,
      postCallStatus: "queued",
    }),
    ...call.transcript.map((turn, seq) =>
      ctx.db.insert(transcriptTurns).values({
        callSid,
        seq,
        speaker: turn.speaker,
        text: turn.text,
        at: turn.at ?? now,
      }),
    ),
  ]);
  return ok(callSid);
}

/** The run's outcome, or its id while a step still waits for its retry. */
export type ProcessedCall =
  | { callSid: string; finished: true; outcome: PostCallOutcome }
  | { callSid: string; finished: false; runId: string };

export async function processCall(
  env: Env,
  ctx: TenantContext,
  input: { callSid?: string; ingest?: Omit<IngestedCall, "callSid"> },
  requestId: string,
): Promise<Result<ProcessedCall>> {
  let callSid = input.callSid;
  if (input.ingest) {
    const ingested = await ingestCall(env, ctx, { ...input.ingest, callSid });
    if (!ingested.ok) return ingested;
    callSid = ingested.value;
  }
  if (!callSid) return fail("invalid_request", "call_sid: required");
  // A workflow run (post-call/start.ts says which instance); its outcome when it ends in time.
  const run = await runPostCallNow(env, ctx, callSid, { requestId });
  if (run.kind === "missing" || (run.kind === "finished" && run.outcome.status === "missing"))
    return fail("not_found", `No call ${callSid} in this tenant`);
  if (run.kind === "failed")
    return run.llm
      ? fail("llm_failed", "The language model failed; the steps stay pending. Try again later.")
      : fail("post_call_failed", "The post-call run failed. Try again later.");
  if (run.kind === "running") return ok({ callSid, finished: false, runId: run.runId });
  return ok({ callSid, finished: true, outcome: run.outcome });
}
