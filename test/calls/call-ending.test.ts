import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { getCall } from "../../workers/calls/call-records";
import { createTenantWithKey } from "../support/tenants";
import {
  callMeta,
  FakeTwilio,
  newCallSid,
  placeCall,
  reachDeadline,
  simSessions,
  tenantCtx,
  twilioPost,
  until,
  useScript,
} from "./support";

const GOODBYE = {
  speed: 50,
  steps: [
    {
      on: "response.create" as const,
      do: [{ say: "Thanks for calling, goodbye!", audioMs: 600 }, { hangupHint: true as const }],
    },
  ],
};

async function usageCalls(tenantId: string): Promise<number | null> {
  const row = await env.PLATFORM_DB.prepare(
    "SELECT SUM(calls) AS calls FROM usage_daily WHERE tenant_id = ?",
  )
    .bind(tenantId)
    .first<{ calls: number | null }>();
  return row?.calls ?? null;
}

function continueCall(callSid: string, to: string) {
  return twilioPost("/twilio/continue", {
    CallSid: callSid,
    From: "+19495550100",
    To: to,
    CallStatus: "in-progress",
  });
}

describe("end_call", () => {
  it("hangs up only after the caller has heard the goodbye", async () => {
    const tenant = await createTenantWithKey();
    const apiKey = await useScript(tenant.id, GOODBYE);
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.autoEcho = false; // playout has not reached the goodbye yet
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.functionOutputs[0]);
    await until(async () => (await callMeta(callSid))?.hangupAt);
    const marks = twilio.pendingMarks;
    expect(marks).toBeGreaterThan(1);
    twilio.play(marks - 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(twilio.closed).toBeNull(); // the last part of the goodbye is still playing

    twilio.play(1);
    await until(() => twilio.closed);
    expect(twilio.closed?.code).toBe(1000);
    const row = await getCall(await tenantCtx(tenant.id), callSid);
    expect(row).toMatchObject({ endReason: "agent_ended", postCallStatus: "queued" });
    // Twilio follows the <Redirect>: the line closes.
    expect(await (await continueCall(callSid, tenant.phoneNumber)).text()).toContain("<Hangup/>");
  });

  it("hangs up at the backstop when the goodbye's marks never come back", async () => {
    const tenant = await createTenantWithKey();
    const apiKey = await useScript(tenant.id, GOODBYE);
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.autoEcho = false;
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.functionOutputs[0]);
    await until(async () => (await callMeta(callSid))?.hangupAt);
    expect(twilio.closed).toBeNull();

    await reachDeadline(callSid, "hangupAt");
    await until(() => twilio.closed);
    const row = await getCall(await tenantCtx(tenant.id), callSid);
    expect(row).toMatchObject({ endReason: "agent_ended", postCallStatus: "queued" });
  });
});

describe("a stream lost without stop", () => {
  it("is finalised by the alarm when it never comes back: one record, one job", async () => {
    const tenant = await createTenantWithKey();
    await useScript(tenant.id, {
      speed: 50,
      steps: [{ on: "response.create", do: [{ say: "Hello there.", audioMs: 200 }] }],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(() => twilio.agentMedia().length > 0);
    await new Promise((r) => setTimeout(r, 100));
    twilio.close(); // network gone, no stop, and no <Redirect> comes back
    await until(async () => (await callMeta(callSid))?.detachedAt);

    await reachDeadline(callSid, "detachedAt");
    const ctx = await tenantCtx(tenant.id);
    const row = await until(async () => {
      const r = await getCall(ctx, callSid);
      return r?.postCallStatus === "queued" ? r : null;
    });
    expect(row).toMatchObject({ endReason: "stream_lost", outcome: "no_conversation" });
    const turns = await ctx.d1
      .prepare("SELECT speaker, text FROM transcript_turns WHERE call_sid = ?")
      .bind(callSid)
      .all();
    expect(turns.results).toEqual([{ speaker: "agent", text: "Hello there." }]);

    // Later triggers (another alarm, Twilio's final status) write nothing twice.
    await reachDeadline(callSid, "detachedAt");
    await twilioPost("/twilio/status", {
      CallSid: callSid,
      CallStatus: "completed",
      CallDuration: "9",
      From: "+19495550100",
      To: tenant.phoneNumber,
    });
    expect(await usageCalls(tenant.id)).toBe(1);
    expect((await getCall(ctx, callSid))?.endReason).toBe("stream_lost");
  });
});

describe("model usage", () => {
  it("records the tokens of every response.done on the call row and in the tenant's usage", async () => {
    const tenant = await createTenantWithKey();
    await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "Hello there, friend.", audioMs: 300 }] },
        { on: "response.create", do: [{ say: "Got it.", audioMs: 200 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(async () => (await callMeta(callSid))?.outputTokens);
    twilio.dtmf("1"); // a second response, with no caller audio in between
    twilio.dtmf("#");
    await until(async () => ((await callMeta(callSid))?.outputTokens ?? 0) > 9);
    twilio.stop();
    const ctx = await tenantCtx(tenant.id);
    const row = await until(async () => {
      const r = await getCall(ctx, callSid);
      return r?.postCallStatus === "queued" ? r : null;
    });
    // The simulator's usage: 200 text tokens in; 1 audio token per 50 ms plus 1 per word out.
    expect(row).toMatchObject({ modelInputTokens: 400, modelOutputTokens: 6 + 3 + 4 + 2 });
    const usage = await env.PLATFORM_DB.prepare(
      "SELECT SUM(model_input_tokens) AS input, SUM(model_output_tokens) AS output FROM usage_daily WHERE tenant_id = ?",
    )
      .bind(tenant.id)
      .first();
    expect(usage).toEqual({ input: 400, output: 15 });
  });
});
