/**
 * The job's record in the tenant database (`post_call_jobs`, one row per CallSid), kept across
 * runs: a run of the workflow is one instance, and this row is what one run leaves for the next.
 * - status: queued → running → done | pending_llm (the LLM steps wait for an LLM) | failed;
 * - attempts: the number of the latest run started (the counter behind instance ids, start.ts);
 * - steps: what each step of the latest run did, a report for the API and the admin; the
 *   caller step alone also reads its own mark (caller.step.ts says why).
 * Within a run the Workflow keeps each finished step's result, so nothing here drives a retry.
 */
import { eq, sql } from "drizzle-orm";
import { calls, postCallJobs } from "../../db/tenant.schema";
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
  await ctx.db.insert(postCallJobs).values({ callSid }).onConflictDoNothing();
  const [job] = await ctx.db
    .select({ status: postCallJobs.status, steps: postCallJobs.steps })
    .from(postCallJobs)
    .where(eq(postCallJobs.callSid, callSid))
    .limit(1);
  const unchanged = job?.status === "done" || (job?.status === "pending_llm" && !llm);
  // Every run is counted, one with nothing to do too: the count names the next run (start.ts).
  const [counted] = await ctx.db
    .update(postCallJobs)
    .set({
      attempts: sql`MAX(${postCallJobs.attempts} + 1, ${run})`,
      ...(unchanged ? {} : { status: "running" as const }),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(postCallJobs.callSid, callSid))
    .returning({ attempts: postCallJobs.attempts });
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
  outcome: PostCallOutcome & { status: "done" | "pending_llm" },
  requestId: string | undefined,
): Promise<PostCallOutcome> {
  const now = new Date().toISOString();
  await ctx.db.batch([
    ctx.db
      .update(postCallJobs)
      .set({
        status: outcome.status,
        steps: JSON.stringify(outcome.steps),
        lastError: null,
        updatedAt: now,
      })
      .where(eq(postCallJobs.callSid, outcome.callSid)),
    ctx.db
      .update(calls)
      .set({ postCallStatus: outcome.status, updatedAt: now })
      .where(eq(calls.callSid, outcome.callSid)),
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
  await ctx.db
    .update(postCallJobs)
    .set({
      status: "failed",
      steps: JSON.stringify(steps),
      lastError: message.slice(0, 500),
      updatedAt: new Date().toISOString(),
    })
    .where(eq(postCallJobs.callSid, callSid));
  return null;
}
