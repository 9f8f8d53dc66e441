/**
 * The job's record in the tenant database (`post_call_jobs`, one row per CallSid), kept across
 * runs: a run of the workflow is one instance, and this row is what one run leaves for the next.
 * - status: queued → running → done | pending_llm (the LLM steps wait for an LLM) | failed;
 * - attempts: the number of the latest run started (the counter behind instance ids, start.ts);
 * - steps: what each step of the latest run did, a report for the API and the admin; the
 *   caller step alone also reads its own mark (caller.step.ts says why).
 * Within a run the Workflow keeps each finished step's result, so nothing here drives a retry.
 */
import { log } from "../../observability/log";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { JobSteps, PostCallOutcome } from "../post-call.schema";
import { JobSteps as JobStepsSchema } from "../post-call.schema";
import type { CallInfo } from "./call-data";
import { loadCall } from "./call-data";

export type StartResult =
  | { kind: "missing" }
  | { kind: "unchanged"; status: "done" | "pending_llm"; steps: JobSteps }
  | { kind: "run"; run: number; llm: boolean; call: CallInfo };

function parseSteps(text: string | undefined): JobSteps {
  try {
    const parsed = JobStepsSchema.safeParse(JSON.parse(text ?? "{}"));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * Counts the run (`run`: its number, 0 when it has none) and decides whether it has work: none
 * when the call is gone, when an earlier run finished it, or when only the LLM steps are left
 * and there is still no LLM.
 */
export async function startStep(
  ctx: TenantContext,
  callSid: string,
  llm: boolean,
  run: number,
): Promise<StartResult> {
  const call = await loadCall(ctx, callSid);
  if (!call) {
    log("warn", "post_call.call_missing", {
      tenantId: ctx.tenantId,
      callSid,
      note: "no calls row (forgotten or never written)",
    });
    return { kind: "missing" };
  }
  await ctx.d1
    .prepare("INSERT INTO post_call_jobs (call_sid) VALUES (?) ON CONFLICT(call_sid) DO NOTHING")
    .bind(callSid)
    .run();
  const job = await ctx.d1
    .prepare("SELECT status, steps FROM post_call_jobs WHERE call_sid = ?")
    .bind(callSid)
    .first<{ status: string; steps: string }>();
  const unchanged = job?.status === "done" || (job?.status === "pending_llm" && !llm);
  // Every run is counted, one with nothing to do too: the count names the next run (start.ts).
  const counted = await ctx.d1
    .prepare(
      `UPDATE post_call_jobs SET attempts = MAX(attempts + 1, ?),
         status = CASE WHEN ? THEN status ELSE 'running' END, updated_at = ?
        WHERE call_sid = ? RETURNING attempts`,
    )
    .bind(run, unchanged ? 1 : 0, new Date().toISOString(), callSid)
    .first<{ attempts: number }>();
  if (job && unchanged)
    return {
      kind: "unchanged",
      status: job.status === "done" ? "done" : "pending_llm",
      steps: parseSteps(job.steps),
    };
  return { kind: "run", run: counted?.attempts ?? 1, llm, call };
}

export async function finishStep(
  ctx: TenantContext,
  outcome: PostCallOutcome,
  requestId: string | undefined,
): Promise<PostCallOutcome> {
  const now = new Date().toISOString();
  await ctx.d1.batch([
    ctx.d1
      .prepare(
        "UPDATE post_call_jobs SET status = ?, steps = ?, last_error = NULL, updated_at = ? WHERE call_sid = ?",
      )
      .bind(outcome.status, JSON.stringify(outcome.steps), now, outcome.callSid),
    ctx.d1
      .prepare("UPDATE calls SET post_call_status = ?, updated_at = ? WHERE call_sid = ?")
      .bind(outcome.status, now, outcome.callSid),
  ]);
  log("info", "post_call.finished", {
    tenantId: ctx.tenantId,
    callSid: outcome.callSid,
    requestId,
    result: outcome.status,
    factsAdded: outcome.facts.added,
    factsSuperseded: outcome.facts.superseded,
  });
  return outcome;
}

/** A step gave up (retries spent): the row says so, and which steps this run had finished. */
export async function recordFailureStep(
  ctx: TenantContext,
  callSid: string,
  steps: JobSteps,
  message: string,
): Promise<null> {
  await ctx.d1
    .prepare(
      "UPDATE post_call_jobs SET status = 'failed', steps = ?, last_error = ?, updated_at = ? WHERE call_sid = ?",
    )
    .bind(JSON.stringify(steps), message.slice(0, 500), new Date().toISOString(), callSid)
    .run();
  return null;
}
