import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { tenantDbFromBinding } from "../../workers/db/handles";
import { api } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { finaliseCall, getCall } from "../../workers/calls/call-records";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { newCallSid, placeCall, twilioPost } from "./support";

async function tenantCtx(tenant: CreatedTenant) {
  const resolved = await resolveTenant(env, {
    kind: "queue",
    tenantId: tenant.id,
  });
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.ctx;
}

async function callRow(tenant: CreatedTenant, callSid: string) {
  return getCall(await tenantCtx(tenant), callSid);
}

describe("POST /twilio/voice", () => {
  it("answers a Connect/Stream to the call's media URL with the token as a Parameter, then a Redirect", async () => {
    const tenant = await createTenantWithKey();
    const callSid = newCallSid();
    const answered = await placeCall(tenant.phoneNumber, callSid);
    expect(answered.streamUrl).toBe(`wss://receptionist.test/twilio/media/${callSid}`);
    expect(answered.token).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(answered.twiml).toContain(`<Parameter name="callSid" value="${callSid}"/>`);
    expect(answered.twiml).toMatch(
      /<\/Connect><Redirect method="POST">https:\/\/receptionist\.test\/twilio\/continue<\/Redirect><\/Response>$/,
    );
    const row = await callRow(tenant, callSid);
    expect(row).toMatchObject({
      callSid,
      fromNumber: "+19495550100",
      toNumber: tenant.phoneNumber,
    });
    expect(row?.callerId).toMatch(/^clr_/);
  });

  it("answers 403 and records nothing when the signature is forged", async () => {
    const tenant = await createTenantWithKey();
    const callSid = newCallSid();
    const params = { CallSid: callSid, From: "+19495550100", To: tenant.phoneNumber };
    const forged = await twilioPost("/twilio/voice", params, { token: "not-the-token" });
    expect(forged.status).toBe(403);
    const missing = await twilioPost("/twilio/voice", params, { signature: null });
    expect(missing.status).toBe(403);
    expect(await callRow(tenant, callSid)).toBeNull();
  });

  it("says the number is not in service and hangs up for an unknown number", async () => {
    const res = await twilioPost("/twilio/voice", {
      CallSid: newCallSid(),
      From: "+19495550100",
      To: "+15550009999",
    });
    expect(res.status).toBe(200);
    const twiml = await res.text();
    expect(twiml).toContain("<Say>Sorry, this number is not in service. Goodbye.</Say><Hangup/>");
  });

  it("says the business is not taking calls and hangs up when the tenant is suspended", async () => {
    const tenant = await createTenantWithKey();
    const suspended = await api("PATCH", `/api/platform/tenants/${tenant.id}`, {
      auth: { session: tenant.admin },
      body: { status: "suspended" },
    });
    expect(suspended.status).toBe(200);
    const callSid = newCallSid();
    const res = await twilioPost("/twilio/voice", {
      CallSid: callSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
    });
    const twiml = await res.text();
    expect(res.status).toBe(200);
    expect(twiml).toMatch(/<Say>Sorry, this business is not taking calls[^<]*<\/Say><Hangup\/>/);
    expect(twiml).not.toContain("<Connect>");
  });
});

describe("POST /twilio/status", () => {
  it("moves the status forward only: a late 'ringing' after 'completed' changes nothing", async () => {
    const tenant = await createTenantWithKey();
    const callSid = newCallSid();
    await placeCall(tenant.phoneNumber, callSid);
    const post = (CallStatus: string) =>
      twilioPost("/twilio/status", {
        CallSid: callSid,
        CallStatus,
        CallDuration: "42",
        From: "+19495550100",
        To: tenant.phoneNumber,
      });
    expect((await post("completed")).status).toBe(204);
    expect((await post("ringing")).status).toBe(204);
    expect((await post("in-progress")).status).toBe(204);
    expect((await post("completed")).status).toBe(204);
    const row = await callRow(tenant, callSid);
    expect(row).toMatchObject({ status: "completed", durationSeconds: 42 });
    expect(row?.postCallStatus).not.toBe("none");
  });

  it("refuses an unsigned status callback", async () => {
    const res = await twilioPost(
      "/twilio/status",
      { CallSid: newCallSid(), CallStatus: "completed", To: "+19497071290" },
      { signature: null },
    );
    expect(res.status).toBe(403);
  });
});

describe("finaliseCall", () => {
  it("writes the record and its transcript once however often it is called", async () => {
    const tenant = await createTenantWithKey();
    const ctx = await tenantCtx(tenant);
    const callSid = newCallSid();
    const record = {
      callSid,
      callerId: null,
      fromNumber: "+19495550100",
      toNumber: tenant.phoneNumber,
      startedAt: "2026-01-02T10:00:00.000Z",
      endedAt: "2026-01-02T10:01:30.000Z",
      outcome: "handled",
      endReason: "caller_hangup",
      transferredTo: null,
      toolsUsed: ["lookup_caller_profile"],
      inputTokens: 100,
      outputTokens: 50,
      turns: [
        { seq: 1, speaker: "agent" as const, text: "Hello!", at: "2026-01-02T10:00:01.000Z" },
        { seq: 2, speaker: "caller" as const, text: "Hi.", at: "2026-01-02T10:00:03.000Z" },
      ],
    };
    const first = await finaliseCall(env, ctx, record);
    const second = await finaliseCall(env, ctx, { ...record, outcome: "other" });
    expect(first).toEqual({ written: true, queued: true });
    expect(second).toEqual({ written: false, reason: "already_finalised" });
    const row = await getCall(ctx, callSid);
    expect(row).toMatchObject({
      outcome: "handled",
      durationSeconds: 90,
      postCallStatus: "queued",
    });
    const turns = await tenantDbFromBinding(ctx.d1).query.transcriptTurns.findMany();
    expect(turns.filter((t) => t.callSid === callSid)).toHaveLength(2);
    const usage = await env.PLATFORM_DB.prepare(
      "SELECT calls, call_seconds, model_input_tokens FROM usage_daily WHERE tenant_id = ? AND day = '2026-01-02'",
    )
      .bind(tenant.id)
      .first();
    expect(usage).toEqual({ calls: 1, call_seconds: 90, model_input_tokens: 100 });
  });
});
