import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handlePostCallBatch } from "../../workers/post-call/consumer";
import { postCallInstanceId } from "../../workers/post-call/start";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "../memory/support";
import {
  batchOf,
  callCount,
  jobRow,
  outcomeOf,
  postCallJob,
  queueMessage,
  recordCall,
} from "./support";

// The queue is the workflow's trigger: a message becomes the call's run-1 instance.
let ctx: TenantContext;
let tenantId = "";
beforeAll(async () => {
  const t = await freshTenant();
  ctx = t.ctx;
  tenantId = t.id;
});

describe("post-call queue consumer", () => {
  it("dead-letters an unparseable message with a log line and still starts the rest of the batch", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(ctx, phone);
    const send = vi.fn(() => Promise.resolve(undefined));
    const bad = queueMessage({ kind: "post_call", tenantId, callSid: "not-a-sid" }, "m1");
    const good = queueMessage(postCallJob(tenantId, callSid), "m2");
    await handlePostCallBatch(batchOf(bad, good), {
      ...env,
      POST_CALL_DLQ: { send } as unknown as Queue<unknown>,
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({ reason: "unparseable", messageId: "m1" }),
    );
    expect(bad.ack).toHaveBeenCalled();
    expect(good.ack).toHaveBeenCalled();
    const outcome = await outcomeOf(await postCallInstanceId(tenantId, callSid, 1));
    expect(outcome).toMatchObject({ status: "pending_llm", summaryMethod: "extractive" });
    expect((await jobRow(ctx, callSid))?.status).toBe("pending_llm");
  });

  it("treats a redelivered message as the run already started: one run, the call counted once", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(ctx, phone);
    const first = queueMessage(postCallJob(tenantId, callSid), "m3");
    await handlePostCallBatch(batchOf(first), env);
    await outcomeOf(await postCallInstanceId(tenantId, callSid, 1));
    const again = queueMessage(postCallJob(tenantId, callSid), "m4");
    await handlePostCallBatch(batchOf(again), env);
    expect(again.ack).toHaveBeenCalled();
    await outcomeOf(await postCallInstanceId(tenantId, callSid, 1));
    expect((await jobRow(ctx, callSid))?.attempts).toBe(1);
    expect(await callCount(ctx, phone)).toBe(1);
  });

  it("retries with backoff when the workflow cannot be started", async () => {
    const callSid = await recordCall(ctx, uniquePhone());
    const msg = queueMessage(postCallJob(tenantId, callSid), "m5");
    const unavailable = {
      create: () => Promise.reject(new Error("workflows unavailable")),
      get: () => Promise.reject(new Error("instance.not_found")),
    } as unknown as typeof env.POST_CALL_WORKFLOW;
    await handlePostCallBatch(batchOf(msg), { ...env, POST_CALL_WORKFLOW: unavailable });
    expect(msg.retry).toHaveBeenCalledWith({ delaySeconds: 10 });
    expect(msg.ack).not.toHaveBeenCalled();
  });
});
