/**
 * The post-call job as a Cloudflare Workflow: one instance per run of one call's job, one
 * `step.do` per step (run.ts lists them with their retry policies). The Workflow persists each
 * finished step's result, so a retried or resumed instance redoes only what had not finished.
 *
 * Params carry only the tenant id and the CallSid (start.ts makes them; nothing outside our code
 * can create an instance). Every step re-resolves the tenant from that id, as the queue
 * consumer does: a tenant suspended or offboarded mid-run stops the run at its next step
 * (NonRetryableError), one whose database is not ready yet is retried under the step's policy.
 */
import { WorkflowEntrypoint } from "cloudflare:workers";
import type { WorkflowEvent, WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import type { Env } from "../env";
import { configureMemory } from "../memory/services";
import { deliverDueSms } from "../messaging/outbox";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { resolveTenant } from "../tenancy/tenant-context";
import { llmClientFor } from "./llm";
import type { PostCallOutcome } from "./post-call.schema";
import { runPostCallSteps } from "./run";
import { PostCallParams } from "./start";

/** The tenant for one step: retried while its database is not ready, fatal when it is gone. */
async function tenantFor(env: Env, tenantId: string): Promise<TenantContext> {
  // `queue`: like a queued job, params are written only by our own code and checked with zod.
  const resolution = await resolveTenant(env, { kind: "queue", tenantId });
  if (resolution.ok) return resolution.ctx;
  if (resolution.reason === "binding_missing" || resolution.reason === "unmigrated")
    throw new Error(`tenant not ready: ${resolution.reason}`);
  throw new NonRetryableError(`tenant unavailable: ${resolution.reason}`);
}

export class PostCallWorkflow extends WorkflowEntrypoint<Env, unknown> {
  override async run(
    event: Readonly<WorkflowEvent<unknown>>,
    step: WorkflowStep,
  ): Promise<PostCallOutcome> {
    const parsed = PostCallParams.safeParse(event.payload);
    if (!parsed.success) throw new NonRetryableError("params are not post-call params");
    const { tenantId, callSid, run, requestId } = parsed.data;
    const env = this.env;
    configureMemory(env);
    return runPostCallSteps(
      {
        step: (name, config, fn) =>
          step.do(name, config, async () => fn(await tenantFor(env, tenantId))),
        llm: () => llmClientFor(env, tenantId),
        deliverTexts: async (ctx) => {
          // A failure here loses nothing: the outbox keeps the texts for the cron to retry.
          try {
            await deliverDueSms(env, ctx);
          } catch (err) {
            log("warn", "post_call.sms_delivery_deferred", {
              tenantId,
              callSid,
              message: err instanceof Error ? err.message.slice(0, 300) : String(err),
            });
          }
        },
      },
      callSid,
      { run, requestId },
    );
  }
}
