import { env, runInDurableObject } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, inject, it } from "vitest";
import type { CallSession } from "../../durable-objects/call-session/call-session.do";
import { CallStore } from "../../durable-objects/call-session/storage";
import { getCall } from "../../workers/calls/call-records";
import { messages } from "../../workers/db/tenant.schema";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import {
  callMeta,
  FakeTwilio,
  newCallSid,
  placeCall,
  tenantCtx,
  simSessions,
  twilioPost,
  until,
  useScript,
} from "./support";

const TRANSFER_TO = "+17145550111";
const twilioRestUrl = inject("twilioRestUrl");

async function withTransferNumber(tenant: CreatedTenant, number: string): Promise<void> {
  await env.PLATFORM_DB.prepare(
    "UPDATE tenants SET agent_config = json_set(agent_config, '$.transferNumber', ?) WHERE id = ?",
  )
    .bind(number, tenant.id)
    .run();
}

async function redirects(callSid: string): Promise<{ url: string | null; method: string }[]> {
  const res = await fetch(`${twilioRestUrl}/__sim/requests?callSid=${callSid}`);
  const body = await res.json<{
    calls: { redirects: { url: string | null; method: string }[] }[];
  }>();
  return body.calls[0]?.redirects ?? [];
}

function webhook(path: string, callSid: string, tenant: CreatedTenant, extra = {}) {
  return twilioPost(path, {
    CallSid: callSid,
    From: "+19495550100",
    To: tenant.phoneNumber,
    CallStatus: "in-progress",
    ...extra,
  });
}

/** A call whose agent hands the caller to a person; resolves once Twilio was asked to redirect. */
async function callThatTransfers(tenant: CreatedTenant) {
  await useScript(tenant.id, {
    speed: 50,
    steps: [
      {
        on: "response.create",
        do: [
          { say: "Let me connect you.", audioMs: 200 },
          { callTool: "transfer_to_human", args: { reason: "wants a person" } },
        ],
      },
    ],
  });
  const callSid = newCallSid();
  const { token } = await placeCall(tenant.phoneNumber, callSid);
  const twilio = await FakeTwilio.connect(callSid);
  twilio.start(token);
  await until(async () => (await redirects(callSid)).length > 0);
  await until(async () => (await callMeta(callSid))?.phase === "transferring");
  return { callSid, twilio };
}

describe("transfer_to_human", () => {
  it("redirects the live call through Twilio and dials the tenant's transfer number", async () => {
    const tenant = await createTenantWithKey();
    await withTransferNumber(tenant, TRANSFER_TO);
    const { callSid, twilio } = await callThatTransfers(tenant);
    expect(await redirects(callSid)).toEqual([
      { url: `${env.PUBLIC_BASE_URL}/twilio/continue`, method: "POST", twiml: null },
    ]);
    twilio.stop(); // Twilio ends the stream when the call is redirected: not a hang-up
    const twiml = await (await webhook("/twilio/continue", callSid, tenant)).text();
    expect(twiml).toContain(
      `<Dial action="https://receptionist.test/twilio/continue?step=after_dial" method="POST">${TRANSFER_TO}</Dial>`,
    );
    expect((await getCall(await tenantCtx(tenant.id), callSid))?.postCallStatus).toBe("none");
  });

  it("offers voicemail when nobody answers the transfer", async () => {
    const tenant = await createTenantWithKey();
    await withTransferNumber(tenant, TRANSFER_TO);
    const { callSid, twilio } = await callThatTransfers(tenant);
    twilio.stop();
    await webhook("/twilio/continue", callSid, tenant);
    const res = await twilioPost("/twilio/continue?step=after_dial", {
      CallSid: callSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
      CallStatus: "in-progress",
      DialCallStatus: "no-answer",
    });
    expect(await res.text()).toMatch(
      /<Say>Sorry, nobody could take your call[^<]*<\/Say><Record action="https:\/\/receptionist\.test\/twilio\/recording"/,
    );
  });

  it("records the call as transferred, to the number dialled, when it ends", async () => {
    const tenant = await createTenantWithKey();
    await withTransferNumber(tenant, TRANSFER_TO);
    const { callSid, twilio } = await callThatTransfers(tenant);
    twilio.stop();
    await webhook("/twilio/continue", callSid, tenant);
    await webhook("/twilio/status", callSid, tenant, {
      CallStatus: "completed",
      CallDuration: "75",
    });
    const row = await getCall(await tenantCtx(tenant.id), callSid);
    expect(row).toMatchObject({
      outcome: "transferred",
      endReason: "transferred",
      transferredTo: TRANSFER_TO,
      durationSeconds: 75,
      postCallStatus: "queued",
    });
    expect(JSON.parse(row?.toolsUsed ?? "[]")).toContain("transfer_to_human");
  });
});

describe("transfer destinations (toll fraud)", () => {
  it.each([
    ["a premium-rate number", "+19005550123"],
    ["a number in the NANP 976 exchange", "+17149765555"],
    ["a Caribbean number dialled as +1", "+18765550123"],
    ["a number abroad", "+447911123456"],
  ])(
    "does not transfer to %s saved before the rule, and the agent offers a message",
    async (_name, number) => {
      const tenant = await createTenantWithKey();
      await withTransferNumber(tenant, number);
      const apiKey = await useScript(tenant.id, {
        speed: 50,
        steps: [
          {
            on: "response.create",
            do: [
              { say: "Let me connect you.", audioMs: 200 },
              { callTool: "transfer_to_human", args: { reason: "wants a person" } },
            ],
          },
        ],
      });
      const callSid = newCallSid();
      const { token } = await placeCall(tenant.phoneNumber, callSid);
      const twilio = await FakeTwilio.connect(callSid);
      twilio.start(token);
      const output = await until(
        async () => (await simSessions(apiKey))[0]?.functionOutputs[0]?.output,
      );
      expect(output).toContain("take_message");
      expect(await redirects(callSid)).toEqual([]);
      expect((await callMeta(callSid))?.phase).toBe("active");
      twilio.close();
    },
  );

  it("the continuation takes a message instead of dialling a premium-rate number", async () => {
    const tenant = await createTenantWithKey();
    await withTransferNumber(tenant, TRANSFER_TO);
    const { callSid, twilio } = await callThatTransfers(tenant);
    // The stored destination is not what the settings allow (saved before the rule).
    await runInDurableObject(
      env.CALL_SESSION.get(env.CALL_SESSION.idFromName(callSid)),
      (_instance: CallSession, state) =>
        new CallStore(state.storage.kv).updateMeta((m) => {
          m.transferTo = "+19005550123";
        }),
    );
    twilio.stop();
    const twiml = await (await webhook("/twilio/continue", callSid, tenant)).text();
    expect(twiml).not.toContain("<Dial");
    expect(twiml).toContain("<Record ");
  });
});

describe("POST /twilio/recording", () => {
  it("stores the caller's voicemail in the tenant's messages with the recording URL", async () => {
    const tenant = await createTenantWithKey();
    const callSid = newCallSid();
    await placeCall(tenant.phoneNumber, callSid);
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/ACx/Recordings/RE${callSid.slice(2)}`;
    const res = await webhook("/twilio/recording", callSid, tenant, {
      RecordingUrl: recordingUrl,
      RecordingDuration: "14",
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(
      "<Say>Thank you. Your message has been recorded. Goodbye.</Say><Hangup/>",
    );
    const ctx = await tenantCtx(tenant.id);
    const stored = await ctx.db.select().from(messages).where(eq(messages.callSid, callSid));
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      recordingUrl,
      callbackNumber: "+19495550100",
      body: "Voicemail (14 s)",
    });
    expect(stored[0]?.callerId).toBe((await getCall(ctx, callSid))?.callerId);
  });

  it("answers 403 and stores nothing when the recording callback is not signed", async () => {
    const tenant = await createTenantWithKey();
    const callSid = newCallSid();
    await placeCall(tenant.phoneNumber, callSid);
    const params = {
      CallSid: callSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
      RecordingUrl: "https://api.twilio.com/recording",
    };
    expect((await twilioPost("/twilio/recording", params, { signature: null })).status).toBe(403);
    expect((await twilioPost("/twilio/recording", params, { token: "forged" })).status).toBe(403);
    const ctx = await tenantCtx(tenant.id);
    expect(await ctx.db.select().from(messages).where(eq(messages.callSid, callSid))).toEqual([]);
  });
});
