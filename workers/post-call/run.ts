/**
 * The post-call steps in order, with their retry policies. Written once and driven two ways:
 * by the Workflow (post-call.workflow.ts: each step a `step.do`, its result persisted, retried
 * under its policy, re-resolving the tenant each time) and in-process by `runPostCall`
 * (pipeline.ts: the same steps one after the other, for tests and tools with a stand-in LLM).
 *
 *   start       — is there work? (call gone, finished earlier, or only LLM steps and no LLM: no)
 *   caller      — link the call to its caller, count the call once;
 *   summary     — LLM summary + analysis (or, without an LLM, an extractive one: `pending`);
 *   metrics     — per-call personality scores from the analysis, the caller's averages;
 *   facts       — LLM fact extraction against the caller's current facts → rememberFact;
 *   profile     — the extraction's profile patch → updateCallerProfile (template-validated);
 *   embeddings  — vectors for any of the caller's facts still lacking one;
 *   lead        — leads captured during the call linked to the caller;
 *   sms         — the summary texted to the business's recipients;
 *   finish      — the job's status: `done`, or `pending_llm` when the LLM steps wait for an LLM.
 * Each step is idempotent by what it writes (its module says how), so a re-run — a new
 * instance that shares nothing with the last — redoes no harm.
 */
import type { WorkflowStepConfig } from "cloudflare:workers";
import { APIConnectionError, APIError } from "openai";
import { errorText, log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import type { LlmClient } from "./llm";
import { LlmOutputError } from "./llm";
import type { JobSteps, PostCallOutcome } from "./post-call.schema";
import { callerStep } from "./steps/caller.step";
import { embeddingsStep } from "./steps/embeddings.step";
import { factsStep } from "./steps/facts.step";
import { finishStep, recordFailureStep, startStep } from "./steps/job";
import { leadStep } from "./steps/lead.step";
import { metricsStep } from "./steps/metrics.step";
import { profileStep } from "./steps/profile.step";
import { smsStep } from "./steps/sms.step";
import { summaryStep } from "./steps/summary.step";

/** Tenant-database work: a D1 hiccup clears in seconds. */
const DB_STEP: WorkflowStepConfig = {
  retries: { limit: 5, delay: "2 seconds", backoff: "exponential" },
  timeout: "1 minute",
};
/**
 * One model request (the client's own timeout is 60 s, with one quick retry): a provider
 * outage or an off-schema answer gets a few tries over a few minutes.
 */
const LLM_STEP: WorkflowStepConfig = {
  retries: { limit: 4, delay: "15 seconds", backoff: "exponential" },
  timeout: "3 minutes",
};
/** Embedding up to 500 facts (Workers AI or OpenAI in production). */
const EMBEDDINGS_STEP: WorkflowStepConfig = {
  retries: { limit: 5, delay: "10 seconds", backoff: "exponential" },
  timeout: "5 minutes",
};
/** Queueing the texts is D1; sending them is Twilio, whose failures the outbox retries anyway. */
const SMS_STEP: WorkflowStepConfig = {
  retries: { limit: 5, delay: "5 seconds", backoff: "exponential" },
  timeout: "2 minutes",
};
/** Recording a failure is best effort: the run is already failing. */
const RECORD_FAILURE_STEP: WorkflowStepConfig = {
  retries: { limit: 2, delay: "2 seconds", backoff: "constant" },
  timeout: "30 seconds",
};

export interface StepRunner {
  /** Runs one step against a tenant context. */
  step<T extends Rpc.Serializable<T>>(
    name: string,
    config: WorkflowStepConfig,
    fn: (ctx: TenantContext) => Promise<T>,
  ): Promise<T>;
  /** The tenant's LLM, or null when none is configured. */
  llm(ctx: TenantContext): Promise<LlmClient | null>;
  /** Sends queued texts now; without it they wait for the cron (the outbox keeps them). */
  deliverTexts?(ctx: TenantContext): Promise<void>;
}

/** An LLM step that gave up; process-call answers it with 502, as it always has. */
export class LlmStepError extends Error {
  override name = "LlmStepError";
}

export function isLlmFailure(error: { name: string; message: string } | undefined): boolean {
  return error?.name === "LlmStepError" || (error?.message.startsWith("llm: ") ?? false);
}

async function asLlmStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LlmOutputError || err instanceof APIError)
      throw new LlmStepError(`llm: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Runs an LLM step; when the model's host cannot be reached at all (DNS, refused connection,
 * timeout — after the client's own retry) the step runs as it does without an LLM (the
 * extractive summary, the LLM steps left `pending` for a later run), so the business still
 * gets its text. A model that answers wrongly stays an error, retried by the step.
 */
async function withReachableLlm<T>(
  ctx: TenantContext,
  callSid: string,
  step: string,
  client: LlmClient | null,
  fn: (client: LlmClient | null) => Promise<T>,
): Promise<T> {
  try {
    return await asLlmStep(() => fn(client));
  } catch (err) {
    if (!(err instanceof LlmStepError && err.cause instanceof APIConnectionError)) throw err;
    // The URL and key stay out of the log: the SDK's message names neither, the cause is the runtime's.
    log("warn", "post_call.llm_unreachable", {
      tenantId: ctx.tenantId,
      callSid,
      step,
      message: errorText(err.cause),
    });
    return asLlmStep(() => fn(null));
  }
}

function emptyOutcome(callSid: string): PostCallOutcome {
  return {
    callSid,
    status: "missing",
    unchanged: false,
    steps: {},
    summaryMethod: null,
    facts: { added: 0, superseded: 0, duplicate: 0, rejected: 0 },
    profileRejected: [],
  };
}

export async function runPostCallSteps(
  runner: StepRunner,
  callSid: string,
  options: { run?: number; requestId?: string } = {},
): Promise<PostCallOutcome> {
  const { requestId } = options;
  const outcome = emptyOutcome(callSid);
  const start = await runner.step("start", DB_STEP, async (ctx) =>
    startStep(ctx, callSid, (await runner.llm(ctx)) !== null, options.run ?? 0),
  );
  if (start.kind === "missing") return outcome;
  if (start.kind === "unchanged")
    return { ...outcome, status: start.status, unchanged: true, steps: start.steps };

  const { call } = start;
  // Whether this run has an LLM was decided once, by start: every step of a run agrees.
  const llm = (ctx: TenantContext) => (start.llm ? runner.llm(ctx) : Promise.resolve(null));
  const steps: JobSteps = {};
  try {
    const caller = await runner.step("caller", DB_STEP, (ctx) => callerStep(ctx, call));
    steps.caller = caller.state;
    const summary = await runner.step("summary", LLM_STEP, async (ctx) => {
      const client = await llm(ctx);
      return withReachableLlm(ctx, callSid, "summary", client, (c) =>
        summaryStep(ctx, call, caller, c),
      );
    });
    steps.summary = summary.state;
    outcome.summaryMethod = summary.method;
    const metrics = await runner.step("metrics", DB_STEP, (ctx) =>
      metricsStep(ctx, call, caller, summary),
    );
    steps.metrics = metrics.state;
    const facts = await runner.step("facts", LLM_STEP, async (ctx) => {
      const client = await llm(ctx);
      return withReachableLlm(ctx, callSid, "facts", client, (c) =>
        factsStep(ctx, call, caller, c),
      );
    });
    steps.facts = facts.state;
    outcome.facts = facts.facts;
    const profile = await runner.step("profile", DB_STEP, (ctx) =>
      profileStep(ctx, call, caller, facts),
    );
    steps.profile = profile.state;
    outcome.profileRejected = profile.rejected;
    steps.embeddings = (
      await runner.step("embeddings", EMBEDDINGS_STEP, (ctx) => embeddingsStep(ctx, caller))
    ).state;
    steps.lead = (await runner.step("lead", DB_STEP, (ctx) => leadStep(ctx, call, caller))).state;
    steps.sms = (
      await runner.step("sms", SMS_STEP, async (ctx) => {
        const result = await smsStep(ctx, call);
        await runner.deliverTexts?.(ctx);
        return result;
      })
    ).state;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Best effort (the tenant may be what failed); the error that ended the run wins.
    await runner
      .step("record failure", RECORD_FAILURE_STEP, (ctx) =>
        recordFailureStep(ctx, callSid, steps, message),
      )
      .catch(() => null);
    throw err;
  }

  const status: "done" | "pending_llm" = Object.values(steps).every((s) => s === "done")
    ? "done"
    : "pending_llm";
  const finished = { ...outcome, steps, status };
  return runner.step("finish", DB_STEP, (ctx) => finishStep(ctx, finished, requestId));
}
