/**
 * The POST_CALL_QUEUE consumer: the trigger of the post-call workflow. Each message is handled
 * on its own, so one bad message never fails the batch:
 * - a body that is not a PostCallJob → logged, sent to the dead-letter queue, acked;
 * - a tenant that no longer takes work (unknown, offboarded, suspended) → logged, dead-lettered, acked;
 * - otherwise the call's workflow instance (run 1, start.ts) is created and the message acked;
 *   a repeat finds the instance there and is acked too. The steps' own failures are retried by
 *   the Workflow under each step's policy (run.ts), no longer by the queue;
 * - a tenant database not ready, or an instance that could not be created → retried with
 *   backoff; after `max_retries` (wrangler.toml) the platform moves it to the dead-letter queue.
 */
import type { Env } from "../env";
import { log } from "../observability/log";
import { resolveTenant } from "../tenancy/tenant-context";
import { PostCallJob } from "./post-call-job.schema";
import { startPostCall } from "./start";

/** 10 s, 20 s, 40 s … capped at 10 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(600, 10 * 2 ** Math.max(0, attempts - 1));
}

async function deadLetter(
  env: Env,
  message: Message<unknown>,
  reason: string,
  detail: Record<string, unknown>,
): Promise<void> {
  if (!env.POST_CALL_DLQ) {
    log("error", "post_call.dlq_missing", { messageId: message.id, reason });
    message.ack();
    return;
  }
  try {
    await env.POST_CALL_DLQ.send({
      reason,
      messageId: message.id,
      attempts: message.attempts,
      receivedAt: new Date().toISOString(),
      body: message.body,
      ...detail,
    });
    message.ack();
  } catch (err) {
    // Could not dead-letter it now: let the queue retry (and dead-letter it after max_retries).
    log("error", "post_call.dlq_send_failed", {
      messageId: message.id,
      message: err instanceof Error ? err.message : String(err),
    });
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

export async function handlePostCallMessage(message: Message<unknown>, env: Env): Promise<void> {
  const parsed = PostCallJob.safeParse(message.body);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    log("error", "post_call.unparseable_message", { messageId: message.id, issues });
    await deadLetter(env, message, "unparseable", { issues });
    return;
  }
  const job = parsed.data;
  const fields = { tenantId: job.tenantId, callSid: job.callSid, messageId: message.id };
  const resolution = await resolveTenant(env, { kind: "queue", tenantId: job.tenantId });
  if (!resolution.ok) {
    if (resolution.reason === "binding_missing" || resolution.reason === "unmigrated") {
      log("warn", "post_call.tenant_not_ready", { ...fields, reason: resolution.reason });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      return;
    }
    log("error", "post_call.tenant_unavailable", { ...fields, reason: resolution.reason });
    await deadLetter(env, message, `tenant_${resolution.reason}`, {});
    return;
  }
  try {
    const runId = await startPostCall(env, job);
    log("info", "post_call.started", { ...fields, runId });
    message.ack();
  } catch (err) {
    log("warn", "post_call.retry", {
      ...fields,
      attempts: message.attempts,
      message: err instanceof Error ? err.message.slice(0, 300) : String(err),
    });
    message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

export async function handlePostCallBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    try {
      await handlePostCallMessage(message, env);
    } catch (err) {
      // Only reachable if logging or resolution itself threw: never fail the whole batch.
      log("error", "post_call.handler_failed", {
        messageId: message.id,
        message: err instanceof Error ? err.message : String(err),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
