import { env, introspectWorkflowInstance } from "cloudflare:test";
import type { WorkflowInstanceIntrospector } from "cloudflare:test";
import { onTestFinished, vi } from "vitest";
import type { PostCallOutcome } from "../../workers/post-call/post-call.schema";
import type { PostCallJob } from "../../workers/post-call/post-call-job.schema";
import type { TenantContext } from "../../workers/tenancy/tenant-context";

let sidCounter = 0;
/** A CallSid no other test uses. */
export function uniqueCallSid(): string {
  sidCounter += 1;
  return `CA${Date.now().toString(16)}${String(sidCounter).padStart(6, "0")}${Math.floor(Math.random() * 1e6)}`;
}

/** A finished call with a short transcript, as the call object leaves it. */
export async function recordCall(
  ctx: TenantContext,
  phone: string,
  callSid = uniqueCallSid(),
): Promise<string> {
  const turns = [
    ["agent", "Thanks for calling, this is Barbara."],
    ["caller", "Hi, I replaced my Camry with a 2021 Toyota RAV4 and need it on my policy."],
    ["agent", "I will update the policy and call you back tomorrow with the new premium."],
  ];
  await ctx.d1.batch([
    ctx.d1
      .prepare(
        "INSERT INTO calls (call_sid, from_number, to_number, status, started_at, ended_at) VALUES (?, ?, '+19497071290', 'completed', ?, ?)",
      )
      .bind(callSid, phone, "2026-06-01T10:00:00.000Z", "2026-06-01T10:05:00.000Z"),
    ...turns.map(([speaker, text], seq) =>
      ctx.d1
        .prepare(
          "INSERT INTO transcript_turns (call_sid, seq, speaker, text, at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(callSid, seq, speaker ?? "agent", text ?? "", "2026-06-01T10:00:00.000Z"),
    ),
  ]);
  return callSid;
}

/** The queue's message for a finished call. */
export function queueMessage(body: unknown, id: string) {
  return {
    id,
    body,
    attempts: 1,
    timestamp: new Date(),
    ack: vi.fn(),
    retry: vi.fn(),
  };
}

export function postCallJob(tenantId: string, callSid: string): PostCallJob {
  return { kind: "post_call", tenantId, callSid, enqueuedAt: new Date().toISOString() };
}

export function batchOf(...messages: ReturnType<typeof queueMessage>[]): MessageBatch<unknown> {
  return {
    queue: "neurosphere-post-call",
    messages,
    ackAll: vi.fn(),
    retryAll: vi.fn(),
  } as unknown as MessageBatch<unknown>;
}

const watched = new Map<string, Promise<WorkflowInstanceIntrospector>>();

/**
 * Watches a post-call run until the test ends. Disposing an introspector deletes its
 * instance, so that happens only when the test has finished with it.
 */
export function watchRun(instanceId: string): Promise<WorkflowInstanceIntrospector> {
  let introspector = watched.get(instanceId);
  if (!introspector) {
    introspector = introspectWorkflowInstance(env.POST_CALL_WORKFLOW, instanceId);
    watched.set(instanceId, introspector);
    onTestFinished(async () => {
      watched.delete(instanceId);
      await (await introspector)?.dispose();
    });
  }
  return introspector;
}

/** Waits for a post-call run to complete and answers its outcome. */
export async function outcomeOf(instanceId: string): Promise<PostCallOutcome> {
  const instance = await watchRun(instanceId);
  await instance.waitForStatus("complete");
  return (await instance.getOutput()) as PostCallOutcome;
}

export async function jobRow(
  ctx: TenantContext,
  callSid: string,
): Promise<{ status: string; attempts: number; steps: string } | null> {
  return ctx.d1
    .prepare("SELECT status, attempts, steps FROM post_call_jobs WHERE call_sid = ?")
    .bind(callSid)
    .first<{ status: string; attempts: number; steps: string }>();
}

export async function callCount(ctx: TenantContext, phone: string): Promise<number | undefined> {
  return (
    await ctx.d1
      .prepare("SELECT call_count FROM callers WHERE phone = ?")
      .bind(phone)
      .first<{ call_count: number }>()
  )?.call_count;
}
