/**
 * Starting post-call runs: which workflow instance a run is, and how it is created.
 *
 * Instance ids. One call's job may run more than once (a re-run through `POST /v2/process-call`
 * once an LLM is configured, or after a run failed), and a Workflow instance runs once. So an
 * instance is one *run*, named by the call and a run number:
 *   run 1  `<tenantId>-<CallSid>`      (what the queue consumer creates, the call's own job)
 *   run n  `<tenantId>-<CallSid>-<n>`  (re-runs)
 * Tenant-qualified because instance ids are unique per Workflow across all tenants, while a
 * CallSid is unique only where Twilio made it: `/v2/process-call` ingests transcripts under
 * call_sids the client chooses, so two tenants can hold the same one, and one tenant's run would
 * otherwise be taken for the other's (its own a silent no-op, and its wait reading the other's
 * outcome). An id that would exceed the Workflow's 100 characters or use other characters is
 * replaced by a hash of the same parts, so the mapping stays deterministic.
 *
 * The counter is the job row's `attempts`: every run's start step sets it to its own number
 * (steps/job.ts). So a re-run is run `attempts + 1`, a fresh id; or, while the job row says a
 * run is under way and that instance is live, that run, joined rather than doubled. Two
 * re-runs asked for at once compute the same id, and the second create finds the first.
 *
 * Repeats. A redelivered queue message creates run 1 again: the instance exists, so it is
 * treated as already running (or ran) and the message is acked. Whether a run has work at all
 * is its own start step's decision (steps/job.ts): a run after `done` changes nothing.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { postCallJobs } from "../db/tenant.schema";
import type { Env } from "../env";
import { sha256Hex } from "../lib/crypto";
import type { TenantContext } from "../tenancy/tenant-context";
import { PostCallOutcome } from "./post-call.schema";
import { PostCallJob } from "./post-call-job.schema";
import { isLlmFailure } from "./run";
import { loadCall } from "./steps/call-data";

/** A post-call instance's params: checked by the workflow before use. */
export const PostCallParams = PostCallJob.pick({ tenantId: true, callSid: true })
  .extend({ run: z.number().int().min(1), requestId: z.string().max(200).optional() })
  .strict();
export type PostCallParams = z.infer<typeof PostCallParams>;

const INSTANCE_ID = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;
const MAX_INSTANCE_ID = 100;
/** Statuses of an instance that will still produce an outcome. */
const LIVE = new Set(["queued", "running", "waiting", "paused", "waitingForPause", "unknown"]);

export async function postCallInstanceId(
  tenantId: string,
  callSid: string,
  run: number,
): Promise<string> {
  const suffix = run === 1 ? "" : `-${run}`;
  const plain = `${tenantId}-${callSid}${suffix}`;
  if (plain.length <= MAX_INSTANCE_ID && INSTANCE_ID.test(plain)) return plain;
  return `pc-${(await sha256Hex(`${tenantId}\n${callSid}`)).slice(0, 64)}${suffix}`;
}

async function existing(env: Env, id: string): Promise<WorkflowInstance | null> {
  try {
    return await env.POST_CALL_WORKFLOW.get(id);
  } catch {
    return null;
  }
}

/** Creates the instance; one that already exists counts as created (it runs, or ran). */
async function createOnce(env: Env, id: string, params: PostCallParams): Promise<WorkflowInstance> {
  try {
    return await env.POST_CALL_WORKFLOW.create({ id, params });
  } catch (err) {
    const instance = await existing(env, id);
    if (instance) return instance;
    throw err;
  }
}

/** The queue consumer's start: run 1 of the call's job. Throws when it could not be created. */
export async function startPostCall(env: Env, job: PostCallJob): Promise<string> {
  const id = await postCallInstanceId(job.tenantId, job.callSid, 1);
  await createOnce(env, id, { tenantId: job.tenantId, callSid: job.callSid, run: 1 });
  return id;
}

export type RunAnswer =
  | { kind: "finished"; runId: string; outcome: PostCallOutcome }
  | { kind: "missing" }
  /** Still running when the wait ended (a step waiting to be retried, say). */
  | { kind: "running"; runId: string }
  | { kind: "failed"; runId: string; llm: boolean };

/** An instance's status; one that does not answer (just created, locally) counts as live. */
async function statusOf(instance: WorkflowInstance): Promise<string> {
  return (await instance.status().catch(() => null))?.status ?? "unknown";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the call's post-call job now — a new run, or the one already live — and waits up to
 * `waitMs` for its outcome: `POST /v2/process-call`.
 */
export async function runPostCallNow(
  env: Env,
  ctx: TenantContext,
  callSid: string,
  options: { requestId?: string; waitMs?: number } = {},
): Promise<RunAnswer> {
  // No instance for a call that is not there: nothing would ever need its id.
  if (!(await loadCall(ctx, callSid))) return { kind: "missing" };
  const latest = async () =>
    (
      await ctx.db
        .select({ status: postCallJobs.status, attempts: postCallJobs.attempts })
        .from(postCallJobs)
        .where(eq(postCallJobs.callSid, callSid))
        .limit(1)
    )[0];
  const job = await latest();
  let run = (job?.attempts ?? 0) + 1;
  if (job && job.status === "running" && job.attempts > 0) {
    const current = await existing(
      env,
      await postCallInstanceId(ctx.tenantId, callSid, job.attempts),
    );
    if (current && LIVE.has(await statusOf(current))) run = job.attempts;
  }
  const deadline = Date.now() + (options.waitMs ?? 25_000);
  let answer: RunAnswer = { kind: "missing" };
  for (let tries = 0; tries < 3; tries += 1) {
    const runId = await postCallInstanceId(ctx.tenantId, callSid, run);
    const params = { tenantId: ctx.tenantId, callSid, run, requestId: options.requestId };
    answer = await waitFor(await createOnce(env, runId, params), runId, deadline);
    if (answer.kind !== "finished") return answer;
    // A run counts itself when it starts. One that finished without being counted is an
    // instance left from an earlier call under this CallSid (forgotten, then ingested again):
    // its outcome is not this call's, so the next number runs.
    const counted = (await latest())?.attempts ?? 0;
    if (counted >= run || answer.outcome.status === "missing") return answer;
    run = Math.max(run, counted) + 1;
  }
  return answer;
}

async function waitFor(
  instance: WorkflowInstance,
  runId: string,
  deadline: number,
): Promise<RunAnswer> {
  for (let pause = 25; ; pause = Math.min(pause * 2, 500)) {
    // Just after create, a local instance may not answer yet: that is "not finished".
    const status = await instance.status().catch(() => null);
    if (status?.status === "complete") {
      const outcome = PostCallOutcome.safeParse(status.output);
      if (!outcome.success) throw new Error(`post-call run ${runId} answered an invalid outcome`);
      return { kind: "finished", runId, outcome: outcome.data };
    }
    if (status?.status === "errored" || status?.status === "terminated")
      return { kind: "failed", runId, llm: isLlmFailure(status.error) };
    if (Date.now() >= deadline) return { kind: "running", runId };
    await sleep(pause);
  }
}
