/**
 * The post-call steps run in-process, one after the other, against a context the caller
 * already resolved, with the LLM it passes in: what tests (a stand-in LLM) and tools use.
 * Production runs the same steps (run.ts) as a Workflow instance: post-call.workflow.ts.
 * Without retries here, the first failing step throws, after the job row records the failure.
 */
import type { TenantContext } from "../tenancy/tenant-context";
import type { LlmClient } from "./llm";
import type { PostCallOutcome } from "./post-call.schema";
import { runPostCallSteps } from "./run";

export { extractiveSummary } from "./steps/summary.step";
export type { Turn } from "./steps/call-data";

export interface RunOptions {
  llm: LlmClient | null;
  requestId?: string;
}

/** Runs whatever is left of the post-call work for `callSid`. Throws when a step fails. */
export function runPostCall(
  ctx: TenantContext,
  callSid: string,
  options: RunOptions,
): Promise<PostCallOutcome> {
  return runPostCallSteps(
    { step: (_name, _config, fn) => fn(ctx), llm: () => Promise.resolve(options.llm) },
    callSid,
    { requestId: options.requestId },
  );
}
