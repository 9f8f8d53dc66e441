import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createMessage,
  getMessage,
  listMessages,
  markMessage,
} from "../../workers/messages/messages";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { seedDemoTenants } from "../support/api";

async function tenant(tenantId: string): Promise<TenantContext> {
  const resolved = await resolveTenant(env, { kind: "queue", tenantId });
  if (!resolved.ok) throw new Error(`cannot resolve ${tenantId}: ${resolved.reason}`);
  return resolved.ctx;
}

beforeAll(async () => {
  await seedDemoTenants();
});

describe("messages left by callers", () => {
  it("stores a message with a normalised callback number and normal urgency by default", async () => {
    const ctx = await tenant("tnt_demo_smith");
    const created = await createMessage(ctx, {
      callerName: "Ana",
      callbackNumber: "(714) 555-0177",
      body: "Call me about the renewal",
    });
    expect(created).toMatchObject({
      ok: true,
      message: { callbackNumber: "+17145550177", urgency: "normal", status: "new" },
    });
  });

  it("rejects an empty message with the field and the reason, storing nothing", async () => {
    const ctx = await tenant("tnt_demo_smith");
    const created = await createMessage(ctx, { body: "   ", callbackNumber: "12" });
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.issues.map((i) => i.path).sort()).toEqual(["body", "callbackNumber"]);
  });

  it("lists new messages newest first and filters by urgency", async () => {
    const ctx = await tenant("tnt_demo_smith");
    const marker = crypto.randomUUID();
    await createMessage(ctx, { body: `first ${marker}`, urgency: "high" });
    await createMessage(ctx, { body: `second ${marker}`, urgency: "high" });
    const high = await listMessages(ctx, { urgency: "high", status: "new", limit: 50, offset: 0 });
    const mine = high.filter((m) => m.body.endsWith(marker)).map((m) => m.body);
    expect(mine).toEqual([`second ${marker}`, `first ${marker}`]);
  });

  it("marks a message read, then done", async () => {
    const ctx = await tenant("tnt_demo_smith");
    const created = await createMessage(ctx, { body: "please call" });
    if (!created.ok) throw new Error("create failed");
    expect(await markMessage(ctx, created.message.id, "read")).toMatchObject({ status: "read" });
    await markMessage(ctx, created.message.id, "done");
    expect(await getMessage(ctx, created.message.id)).toMatchObject({ status: "done" });
  });

  it("cannot see or mark another tenant's message", async () => {
    const smith = await tenant("tnt_demo_smith");
    const johnson = await tenant("tnt_demo_johnson");
    const created = await createMessage(smith, { body: "private" });
    if (!created.ok) throw new Error("create failed");
    expect(await getMessage(johnson, created.message.id)).toBeNull();
    expect(await markMessage(johnson, created.message.id, "done")).toBeNull();
    expect(await getMessage(smith, created.message.id)).toMatchObject({ status: "new" });
  });
});
