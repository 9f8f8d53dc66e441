/**
 * A tenant with its own Twilio account can sign any webhook for its own number. Naming another
 * tenant's CallSid in one must not touch that other tenant's call.
 */
import { describe, expect, it } from "vitest";
import { getCall } from "../../workers/calls/call-records";
import { createTenantWithKey, createTenantWithOwnTwilio } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { TENANT_OWN_TWILIO } from "../support/twilio-accounts";
import {
  callMeta,
  FakeTwilio,
  newCallSid,
  placeCall,
  tenantCtx,
  twilioPost,
  until,
  useScript,
} from "./support";

const GREETING = {
  speed: 50,
  steps: [{ on: "response.create" as const, do: [{ say: "Hello!", audioMs: 200 }] }],
};

/** The victim: a tenant on the platform's account with a call in progress. */
async function liveCall() {
  const victim = await createTenantWithKey();
  await useScript(victim.id, GREETING);
  const callSid = newCallSid();
  const { token } = await placeCall(victim.phoneNumber, callSid);
  const twilio = await FakeTwilio.connect(callSid);
  twilio.start(token);
  await until(() => twilio.agentMedia().length > 0);
  return { victim, callSid, twilio };
}

/** A webhook for the attacker's own number, signed by its own account, naming `callSid`. */
function forged(path: string, attacker: CreatedTenant, callSid: string, extra = {}) {
  return twilioPost(
    path,
    {
      CallSid: callSid,
      AccountSid: TENANT_OWN_TWILIO.accountSid,
      From: "+19495550100",
      To: attacker.phoneNumber,
      CallStatus: "in-progress",
      ...extra,
    },
    { token: TENANT_OWN_TWILIO.authToken },
  );
}

describe("webhooks signed by one tenant's account naming another tenant's call", () => {
  it("answers 403 to a status callback, and the other tenant's call goes on unrecorded", async () => {
    const attacker = await createTenantWithOwnTwilio();
    const { victim, callSid, twilio } = await liveCall();
    const res = await forged("/twilio/status", attacker, callSid, {
      CallStatus: "completed",
      CallDuration: "86400",
    });
    expect(res.status).toBe(403);
    expect(twilio.closed).toBeNull();
    expect((await callMeta(callSid))?.finalised).toBe(false);
    expect((await getCall(await tenantCtx(victim.id), callSid))?.endedAt).toBeNull();
    twilio.close();
  });

  it("answers 403 to a recording callback, and the other tenant's call is not marked as a message", async () => {
    const attacker = await createTenantWithOwnTwilio();
    const { callSid, twilio } = await liveCall();
    const res = await forged("/twilio/recording", attacker, callSid, {
      RecordingUrl: "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
      RecordingDuration: "3",
    });
    expect(res.status).toBe(403);
    expect(await callMeta(callSid)).toMatchObject({ messageTaken: false, phase: "active" });
    twilio.close();
  });

  it("answers 403 to a continuation, and the other tenant's stream stays up", async () => {
    const attacker = await createTenantWithOwnTwilio();
    const { callSid, twilio } = await liveCall();
    const res = await forged("/twilio/continue", attacker, callSid);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("<Parameter");
    expect(twilio.closed).toBeNull();
    expect((await callMeta(callSid))?.resumes).toBe(0);
    twilio.close();
  });

  it("answers 403 to a voice webhook reusing the other tenant's CallSid", async () => {
    const attacker = await createTenantWithOwnTwilio();
    const { callSid, twilio } = await liveCall();
    const res = await forged("/twilio/voice", attacker, callSid);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("<Parameter");
    expect(await getCall(await tenantCtx(attacker.id), callSid)).toBeNull();
    twilio.close();
  });
});
