/**
 * A call has one stream at a time. A newcomer on the same CallSid replaces the live stream only
 * once it has passed every check, and a token opens one stream only.
 */
import { describe, expect, it } from "vitest";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import {
  callMeta,
  FakeTwilio,
  newCallSid,
  placeCall,
  simSessions,
  twilioPost,
  until,
  useScript,
} from "./support";

const GREETING = {
  speed: 50,
  steps: [{ on: "response.create" as const, do: [{ say: "Hello!", audioMs: 200 }] }],
};

async function liveCall() {
  const tenant = await createTenantWithKey();
  const apiKey = await useScript(tenant.id, GREETING);
  const callSid = newCallSid();
  const { token } = await placeCall(tenant.phoneNumber, callSid);
  const twilio = await FakeTwilio.connect(callSid);
  twilio.start(token);
  await until(() => twilio.agentMedia().length > 0);
  return { tenant, apiKey, callSid, token, twilio };
}

function continuation(tenant: CreatedTenant, callSid: string) {
  return twilioPost("/twilio/continue", {
    CallSid: callSid,
    From: "+19495550100",
    To: tenant.phoneNumber,
    CallStatus: "in-progress",
  });
}

const tokenIn = (twiml: string) => /<Parameter name="token" value="([^"]+)"\/>/.exec(twiml)?.[1];

describe("a second stream for a live call", () => {
  it("answers 403 to a handshake no Twilio account of ours signed, and the live stream stays up", async () => {
    const { callSid, twilio } = await liveCall();
    await expect(
      FakeTwilio.connect(callSid, { signature: "bm90LWEtc2lnbmF0dXJl" }),
    ).rejects.toThrow(/403/);
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("answers 403 to a handshake signed by a token that is not the call's tenant's", async () => {
    const { callSid, twilio } = await liveCall();
    await expect(FakeTwilio.connect(callSid, { token: "some-other-auth-token" })).rejects.toThrow(
      /403/,
    );
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("keeps the live stream when the newcomer's start carries a bad token", async () => {
    const { callSid, twilio } = await liveCall();
    const intruder = await FakeTwilio.connect(callSid); // a replayed handshake signature
    intruder.start("not.a-token");
    await until(() => intruder.closed);
    expect(intruder.closed?.code).toBe(1008);
    expect(twilio.closed).toBeNull();
    expect((await callMeta(callSid))?.phase).toBe("active");
    twilio.close();
  });

  it("refuses the token that already opened the live stream, and the live stream stays up", async () => {
    const { apiKey, callSid, token, twilio } = await liveCall();
    const intruder = await FakeTwilio.connect(callSid);
    intruder.start(token);
    await until(() => intruder.closed);
    expect(intruder.closed?.code).toBe(1008);
    expect(twilio.closed).toBeNull();
    expect(await simSessions(apiKey)).toHaveLength(1);
    twilio.close();
  });

  it("gives a replayed voice webhook no token while the stream is live", async () => {
    const { tenant, callSid, twilio } = await liveCall();
    const res = await twilioPost("/twilio/voice", {
      CallSid: callSid,
      AccountSid: "ACtest00000000000000000000000000000",
      From: "+19495550100",
      To: tenant.phoneNumber,
      CallStatus: "ringing",
      Direction: "inbound",
    });
    expect(res.status).toBe(409);
    expect(tokenIn(await res.text())).toBeUndefined();
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("gives a continuation no fresh stream while the stream is live, and the live stream stays up", async () => {
    const { tenant, callSid, twilio } = await liveCall();
    const twiml = await (await continuation(tenant, callSid)).text();
    expect(tokenIn(twiml)).toBeUndefined();
    expect(twiml).toContain("<Redirect");
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("refuses an earlier continuation's token once a later one was issued", async () => {
    const { tenant, callSid, twilio } = await liveCall();
    twilio.close(); // the stream drops, as on a deploy
    await until(async () => (await callMeta(callSid))?.detachedAt);
    const first = tokenIn(await (await continuation(tenant, callSid)).text());
    const second = tokenIn(await (await continuation(tenant, callSid)).text());
    expect(first).toBeDefined();
    expect(second).toBeDefined();
    const stale = await FakeTwilio.connect(callSid);
    stale.start(first ?? "");
    await until(() => stale.closed);
    expect(stale.closed?.code).toBe(1008);
    const fresh = await FakeTwilio.connect(callSid);
    fresh.start(second ?? "");
    await until(async () => (await callMeta(callSid))?.streamStarts === 2);
    expect(fresh.closed).toBeNull();
    fresh.close();
  });
});
