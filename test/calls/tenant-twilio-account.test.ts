import { describe, expect, it } from "vitest";
import { getCall } from "../../workers/calls/call-records";
import { createTenantWithKey, createTenantWithOwnTwilio } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { TENANT_OWN_TWILIO } from "../support/twilio-accounts";
import {
  FakeTwilio,
  newCallSid,
  placeCall,
  simSessions,
  tenantCtx,
  twilioPost,
  until,
  useScript,
} from "./support";

const GREETING = {
  speed: 50,
  steps: [{ on: "response.create" as const, do: [{ say: "Hello!", audioMs: 200 }] }],
};

function voice(tenant: CreatedTenant, callSid: string, token: string) {
  return twilioPost(
    "/twilio/voice",
    {
      CallSid: callSid,
      AccountSid: TENANT_OWN_TWILIO.accountSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
    },
    { token },
  );
}

describe("a tenant with its own Twilio account", () => {
  it("answers webhooks signed with the tenant's own auth token", async () => {
    const tenant = await createTenantWithOwnTwilio();
    const callSid = newCallSid();
    const res = await voice(tenant, callSid, TENANT_OWN_TWILIO.authToken);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("<Connect><Stream");
    expect(await getCall(await tenantCtx(tenant.id), callSid)).not.toBeNull();
  });

  it("accepts the media stream whose handshake the tenant's account signed", async () => {
    const tenant = await createTenantWithOwnTwilio();
    const apiKey = await useScript(tenant.id, GREETING);
    const callSid = newCallSid();
    const twiml = await (await voice(tenant, callSid, TENANT_OWN_TWILIO.authToken)).text();
    const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(twiml)?.[1] ?? "";
    const twilio = await FakeTwilio.connect(callSid, { token: TENANT_OWN_TWILIO.authToken });
    twilio.start(token);
    await until(() => twilio.agentMedia().length > 0);
    expect(twilio.closed).toBeNull();
    expect(await simSessions(apiKey)).toHaveLength(1);
    twilio.close();
  });

  it("answers 403 to a stream handshake signed with another tenant's token, before any model socket opens", async () => {
    const tenant = await createTenantWithKey(); // on the platform account
    const apiKey = await useScript(tenant.id, GREETING);
    const callSid = newCallSid();
    await placeCall(tenant.phoneNumber, callSid);
    await expect(
      FakeTwilio.connect(callSid, { token: TENANT_OWN_TWILIO.authToken }),
    ).rejects.toThrow(/403/);
    expect(await simSessions(apiKey)).toHaveLength(0);
  });

  it("refuses a webhook for its number signed with a token of neither account", async () => {
    const tenant = await createTenantWithOwnTwilio();
    const callSid = newCallSid();
    expect((await voice(tenant, callSid, "someone-else's-token")).status).toBe(403);
    expect(await getCall(await tenantCtx(tenant.id), callSid)).toBeNull();
  });

  it("still lets other tenants' calls in with the platform's token", async () => {
    await createTenantWithOwnTwilio();
    const other = await createTenantWithKey();
    const apiKey = await useScript(other.id, GREETING);
    const callSid = newCallSid();
    const { token } = await placeCall(other.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(() => twilio.agentMedia().length > 0);
    expect(await simSessions(apiKey)).toHaveLength(1);
    twilio.close();
  });
});
