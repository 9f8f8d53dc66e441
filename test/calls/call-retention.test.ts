import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { CallSession } from "../../durable-objects/call-session/call-session.do";
import { getCall } from "../../workers/calls/call-records";
import { api } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import {
  callMeta,
  FakeTwilio,
  newCallSid,
  placeCall,
  reachDeadline,
  tenantCtx,
  twilioPost,
  until,
  useScript,
} from "./support";

const HELLO = {
  speed: 50,
  steps: [{ on: "response.create" as const, do: [{ say: "Hello there.", audioMs: 200 }] }],
};

function callObject(callSid: string) {
  return env.CALL_SESSION.get(env.CALL_SESSION.idFromName(callSid));
}

/** Everything the call object still holds in storage. */
function storedKeys(callSid: string): Promise<string[]> {
  return runInDurableObject(callObject(callSid), (_i: CallSession, state) =>
    [...state.storage.kv.list()].map(([key]) => key),
  );
}

/** The tenant a call object says its call belongs to. */
async function tenantOfCallSid(callSid: string): Promise<{ tenantId: string }> {
  const tenantId = await callObject(callSid).tenantOfCall();
  if (tenantId === null) throw new Error("the call object knows no tenant");
  return { tenantId };
}

/** A call that was answered and then hung up: its record is in the tenant database. */
async function finishedCall(): Promise<{ tenantId: string; callSid: string; apiKey: string }> {
  const tenant = await createTenantWithKey();
  await useScript(tenant.id, HELLO);
  const callSid = newCallSid();
  const { token } = await placeCall(tenant.phoneNumber, callSid);
  const twilio = await FakeTwilio.connect(callSid);
  twilio.start(token);
  await until(() => twilio.agentMedia().length > 0);
  await until(async () => (await storedKeys(callSid)).some((k) => k.startsWith("turn:")));
  await twilioPost("/twilio/status", {
    CallSid: callSid,
    CallStatus: "completed",
    CallDuration: "4",
    From: "+19495550100",
    To: tenant.phoneNumber,
  });
  const ctx = await tenantCtx(tenant.id);
  await until(async () => (await getCall(ctx, callSid))?.postCallStatus === "queued");
  twilio.close();
  return { tenantId: tenant.id, callSid, apiKey: tenant.apiKey };
}

describe("call object retention", { timeout: 20_000 }, () => {
  it("clears the caller's number and transcript from the call object once the record is written", async () => {
    const { callSid } = await finishedCall();
    expect(await storedKeys(callSid)).toContain("meta");

    // The grace passes: the purge is moved to now and the alarm runs, as it would then.
    await runInDurableObject(callObject(callSid), (_i: CallSession, state) => {
      state.storage.kv.put("retention", { purgeAt: Date.now() - 1 });
    });
    await runDurableObjectAlarm(callObject(callSid));

    expect(await storedKeys(callSid)).toEqual(["claim"]);
    expect(await callMeta(callSid)).toBeNull();
  });

  it("hangs up a late continuation for a cleared call instead of opening a fresh stream", async () => {
    const { callSid } = await finishedCall();
    await runInDurableObject(callObject(callSid), (_i: CallSession, state) => {
      state.storage.kv.put("retention", { purgeAt: Date.now() - 1 });
    });
    await runDurableObjectAlarm(callObject(callSid));

    const claim = await runInDurableObject(callObject(callSid), (_i: CallSession, state) =>
      state.storage.kv.get<Record<string, unknown>>("claim"),
    );
    // Only the tenant and the stream counters are left: nothing of the caller.
    expect(Object.keys(claim ?? {}).sort()).toEqual(["closed", "issued", "opened", "tenantId"]);
    const { tenantId } = await tenantOfCallSid(callSid);
    expect(await callObject(callSid).continuation(tenantId)).toEqual({ kind: "hangup" });
    expect(await callObject(callSid).answer(tenantId)).toEqual({
      ok: false,
      reason: "already_answered",
    });
  });

  it("keeps the call until the grace for Twilio's last requests has passed", async () => {
    const { callSid } = await finishedCall();
    await runDurableObjectAlarm(callObject(callSid));
    expect(await storedKeys(callSid)).toContain("meta");
  });

  it("clears a finished call at once when its caller is forgotten, in its own tenant only", async () => {
    const { tenantId, callSid } = await finishedCall();
    const stub = callObject(callSid);

    expect(await stub.forgetCaller("tnt_someone_else", "+19495550100")).toEqual({ held: false });
    expect(await storedKeys(callSid)).toContain("meta");

    const cleared = await stub.forgetCaller(tenantId, "+19495550100");
    expect(cleared).toMatchObject({ held: true, cleared: true });
    expect(await storedKeys(callSid)).toEqual(["claim"]);
  });
});

describe("a call finalised by the alarm", { timeout: 20_000 }, () => {
  it("schedules its own purge", async () => {
    const tenant = await createTenantWithKey();
    await useScript(tenant.id, HELLO);
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(() => twilio.agentMedia().length > 0);
    twilio.close();
    await until(async () => (await callMeta(callSid))?.detachedAt);
    await reachDeadline(callSid, "detachedAt");
    await until(async () => (await callMeta(callSid))?.finalised);
    const alarm = await runInDurableObject(callObject(callSid), (_i: CallSession, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
  });
});

describe("forgetting a caller", { timeout: 20_000 }, () => {
  it("clears the call objects still holding their calls and lists them in the receipt", async () => {
    const { callSid, apiKey } = await finishedCall();
    const res = await api<{ receipt: { erased: Record<string, number> } }>("POST", "/v2/forget", {
      auth: { apiKey },
      body: { user_id: "+19495550100" },
    });
    expect(res.body.receipt.erased).toMatchObject({ callObjects: 1, calls: 1 });
    expect(await storedKeys(callSid)).toEqual(["claim"]);
  });
});
