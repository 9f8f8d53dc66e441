import { env, SELF } from "cloudflare:test";
import twilio from "twilio";
import { describe, expect, inject, it } from "vitest";
import { queueCallSummarySms } from "../../workers/messaging/call-summary-sms";
import { deliverDueSms, queueSms } from "../../workers/messaging/outbox";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { createTwilioRestClient } from "../../workers/twilio/rest";
import { api } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import { unhandledRejectionsDuring } from "../support/unhandled";

const RECIPIENTS = ["+17145550111", "+17145550112"];

interface SimMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string | null;
}

async function simMessagesTo(to: string): Promise<SimMessage[]> {
  const res = await fetch(`${inject("twilioRestUrl")}/__sim/requests`);
  const body = await res.json<{ messages: SimMessage[] }>();
  return body.messages.filter((m) => m.to === to);
}

async function failNext(status: number, code: number, times = 1): Promise<void> {
  await fetch(`${inject("twilioRestUrl")}/__sim/fail`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status, code, message: `simulated ${code}`, times }),
  });
}

/** A fresh tenant (its own database, its own outbox) with SMS recipients set. */
async function tenantWithRecipients(
  recipients: string[],
): Promise<{ ctx: TenantContext; phoneNumber: string }> {
  const tenant = await createTenantWithKey("insurance_v1", "Texting Agency");
  await api("PATCH", `/api/platform/tenants/${tenant.id}`, {
    auth: { session: tenant.admin },
    body: { agentConfig: { smsRecipients: recipients, agentName: "Robin" } },
  });
  const resolution = await resolveTenant(env, { kind: "queue", tenantId: tenant.id });
  if (!resolution.ok) throw new Error(`tenant did not resolve: ${resolution.reason}`);
  return { ctx: resolution.ctx, phoneNumber: tenant.phoneNumber };
}

function uniqueRecipient(): string {
  return `+1714${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
}

const summary = {
  callSid: "CA00000000000000000000000000000001",
  callerPhone: "+19495550100",
  callerName: "John Smith",
  outcome: "caller_hangup",
  summary: "Asked to add his daughter as a driver on the Camry policy; wants a callback after 5pm.",
  durationSeconds: 185,
};

describe("post-call SMS to the business", () => {
  it("queues the call summary once per recipient, even when the job runs twice", async () => {
    const { ctx } = await tenantWithRecipients(RECIPIENTS);
    expect(await queueCallSummarySms(ctx, summary)).toBe(2);
    expect(await queueCallSummarySms(ctx, summary)).toBe(0);
    const rows = await ctx.d1
      .prepare("SELECT to_number, body FROM sms_outbox ORDER BY to_number")
      .all<{ to_number: string; body: string }>();
    expect(rows.results.map((r) => r.to_number)).toEqual(RECIPIENTS);
    expect(rows.results[0]?.body).toMatch(
      /^Robin: call from John Smith \(\+19495550100\) · 3 min · caller hangup\nAsked to add/,
    );
  });

  it("sends due texts from the tenant's own number, with a status callback for that tenant", async () => {
    const to = uniqueRecipient();
    const { ctx, phoneNumber } = await tenantWithRecipients([to]);
    await queueCallSummarySms(ctx, summary);
    expect(await deliverDueSms(env, ctx)).toEqual({ sent: 1, retrying: 0, failed: 0 });
    const [sent] = await simMessagesTo(to);
    expect(sent?.from).toBe(phoneNumber);
    expect(sent?.statusCallback).toBe(
      `${env.PUBLIC_BASE_URL}/twilio/sms-status?tenant=${encodeURIComponent(ctx.tenantId)}`,
    );
    const row = await ctx.d1
      .prepare("SELECT status, provider_sid, attempts FROM sms_outbox")
      .first();
    expect(row).toEqual({ status: "sent", provider_sid: sent?.sid, attempts: 1 });
  });

  it("keeps a text when Twilio is down and sends it once the backoff has passed", async () => {
    const to = uniqueRecipient();
    const { ctx } = await tenantWithRecipients([to]);
    await queueSms(ctx, { to, body: "hello", dedupeKey: `t-${to}` });
    await failNext(503, 20503);
    expect(await deliverDueSms(env, ctx)).toEqual({ sent: 0, retrying: 1, failed: 0 });
    // Not due yet: nothing is sent again right away.
    expect(await deliverDueSms(env, ctx)).toEqual({ sent: 0, retrying: 0, failed: 0 });
    const later = new Date(Date.now() + 60_000);
    expect(await deliverDueSms(env, ctx, { now: later })).toEqual({
      sent: 1,
      retrying: 0,
      failed: 0,
    });
    expect(await simMessagesTo(to)).toHaveLength(1);
  });

  it("keeps a text for a retry when Twilio's host cannot be reached", async () => {
    const to = uniqueRecipient();
    const { ctx } = await tenantWithRecipients([to]);
    await queueSms(ctx, { to, body: "hello", dedupeKey: `t-${to}` });
    const client = createTwilioRestClient({
      baseUrl: "http://no-such-host.invalid",
      accountSid: "ACtest00000000000000000000000000000",
      authToken: "offline-auth-token",
    });
    const { result, unhandled } = await unhandledRejectionsDuring(() =>
      deliverDueSms(env, ctx, { client }),
    );
    expect(result).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const row = await ctx.d1
      .prepare("SELECT status, last_error FROM sms_outbox")
      .first<{ status: string; last_error: string }>();
    expect(row?.status).toBe("queued");
    expect(row?.last_error).toMatch(/^network: could not reach Twilio/);
    expect(row?.last_error).not.toContain("offline-auth-token");
    expect(unhandled).toEqual([]);
  });

  it("gives up at once on a number Twilio says can never receive texts", async () => {
    const to = uniqueRecipient();
    const { ctx } = await tenantWithRecipients([to]);
    await queueSms(ctx, { to, body: "hello", dedupeKey: `t-${to}` });
    await failNext(400, 21211);
    expect(await deliverDueSms(env, ctx)).toEqual({ sent: 0, retrying: 0, failed: 1 });
    const row = await ctx.d1
      .prepare("SELECT status, last_error FROM sms_outbox")
      .first<{ status: string; last_error: string }>();
    expect(row?.status).toBe("failed");
    expect(row?.last_error).toContain("21211");
  });
});

describe("POST /twilio/sms-status", () => {
  async function sentText(): Promise<{ ctx: TenantContext; sid: string; url: string; to: string }> {
    const to = uniqueRecipient();
    const { ctx } = await tenantWithRecipients([to]);
    await queueSms(ctx, { to, body: "hello", dedupeKey: `t-${to}` });
    await deliverDueSms(env, ctx);
    const [sent] = await simMessagesTo(to);
    if (!sent) throw new Error("nothing sent");
    return {
      ctx,
      sid: sent.sid,
      to,
      url: `${env.PUBLIC_BASE_URL}/twilio/sms-status?tenant=${encodeURIComponent(ctx.tenantId)}`,
    };
  }

  /** The form Twilio posts for a delivery receipt. */
  function receiptParams(sid: string, to: string, status: string): Record<string, string> {
    return {
      MessageSid: sid,
      SmsSid: sid,
      MessageStatus: status,
      SmsStatus: status,
      To: to,
      From: "+13105550142",
      AccountSid: env.TWILIO_ACCOUNT_SID,
      ApiVersion: "2010-04-01",
    };
  }

  function receipt(
    url: string,
    params: Record<string, string>,
    signature?: string,
  ): Promise<Response> {
    return SELF.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature":
          signature ?? twilio.getExpectedTwilioSignature(env.TWILIO_AUTH_TOKEN, url, params),
      },
      body: new URLSearchParams(params),
    });
  }

  it("marks a text delivered, and a late 'sent' receipt does not move it back", async () => {
    const { ctx, sid, url, to } = await sentText();
    expect((await receipt(url, receiptParams(sid, to, "delivered"))).status).toBe(200);
    expect((await receipt(url, receiptParams(sid, to, "sent"))).status).toBe(200);
    const row = await ctx.d1.prepare("SELECT status FROM sms_outbox").first<{ status: string }>();
    expect(row?.status).toBe("delivered");
  });

  it("answers 403 and changes nothing when the receipt is not signed by Twilio", async () => {
    const { ctx, sid, url, to } = await sentText();
    const res = await receipt(url, receiptParams(sid, to, "failed"), "Zm9yZ2Vk");
    expect(res.status).toBe(403);
    const row = await ctx.d1.prepare("SELECT status FROM sms_outbox").first<{ status: string }>();
    expect(row?.status).toBe("sent");
  });

  it("answers 403 when the tenant in the URL was changed after signing", async () => {
    const { sid, url, to } = await sentText();
    const params = receiptParams(sid, to, "delivered");
    const signature = twilio.getExpectedTwilioSignature(env.TWILIO_AUTH_TOKEN, url, params);
    const forged = `${env.PUBLIC_BASE_URL}/twilio/sms-status?tenant=tnt_demo_smith`;
    expect((await receipt(forged, params, signature)).status).toBe(403);
  });
});

describe("the post-call pipeline texts the business", () => {
  async function recordCall(ctx: TenantContext): Promise<string> {
    const callSid = `CA${crypto.randomUUID().replace(/-/g, "")}`;
    const at = new Date().toISOString();
    await ctx.d1.batch([
      ctx.d1
        .prepare(
          "INSERT INTO calls (call_sid, from_number, to_number, status, outcome, started_at, ended_at, duration_seconds) VALUES (?, '+19495550100', '+15550000000', 'completed', 'caller_hangup', ?, ?, 95)",
        )
        .bind(callSid, at, at),
      ctx.d1
        .prepare(
          "INSERT INTO transcript_turns (call_sid, seq, speaker, text, at) VALUES (?, 1, 'caller', ?, ?)",
        )
        .bind(
          callSid,
          "Hi, I need a quote for adding my daughter to my auto policy. Please call me back after five.",
          at,
        ),
      ctx.d1.prepare("INSERT INTO post_call_jobs (call_sid) VALUES (?)").bind(callSid),
    ]);
    return callSid;
  }

  it("queues the summary for every recipient once, however often the job runs", async () => {
    const { runPostCall } = await import("../../workers/post-call/pipeline");
    const recipients = [uniqueRecipient(), uniqueRecipient()];
    const { ctx } = await tenantWithRecipients(recipients);
    const callSid = await recordCall(ctx);
    await runPostCall(ctx, callSid, { llm: null });
    await runPostCall(ctx, callSid, { llm: null });
    const rows = await ctx.d1
      .prepare("SELECT to_number, body FROM sms_outbox WHERE call_sid = ? ORDER BY to_number")
      .bind(callSid)
      .all<{ to_number: string; body: string }>();
    expect(rows.results.map((r) => r.to_number)).toEqual([...recipients].sort());
    expect(rows.results[0]?.body).toContain("daughter");
  });
});
