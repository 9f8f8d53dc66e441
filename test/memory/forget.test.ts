import { describe, expect, inject, it } from "vitest";
import { api } from "../support/api";
import { freshTenant, uniquePhone } from "./support";

const twilioRestUrl = inject("twilioRestUrl");

interface Receipt {
  receipt: { erased: Record<string, number> };
}

function recordingSid(): string {
  return `RE${crypto.randomUUID().replace(/-/g, "")}`;
}

async function deletedAtTwilio(): Promise<{
  deleted: string[];
  authAs: (sid: string) => string[];
}> {
  const res = await fetch(`${twilioRestUrl}/__sim/requests`);
  const body = await res.json<{
    deletedRecordings: string[];
    requests: { path: string; method: string; authAccountSid: string | null; status: number }[];
  }>();
  return {
    deleted: body.deletedRecordings,
    authAs: (sid) =>
      body.requests
        .filter((r) => r.method === "DELETE" && r.path.endsWith(`/Recordings/${sid}.json`))
        .map((r) => `${r.authAccountSid ?? ""} ${r.status}`),
  };
}

describe("forgetting a caller, outside the tenant database", () => {
  it("deletes their voicemail recordings at Twilio and lists them in the receipt", async () => {
    const t = await freshTenant();
    const phone = uniquePhone();
    const sid = recordingSid();
    await t.ctx.d1
      .prepare(
        "INSERT INTO messages (id, callback_number, body, urgency, recording_url) VALUES (?, ?, 'Voicemail', 'normal', ?)",
      )
      .bind(`msg_${sid}`, phone, `https://api.twilio.com/2010-04-01/Accounts/ACx/Recordings/${sid}`)
      .run();

    const res = await api<Receipt>("POST", "/v2/forget", {
      auth: { apiKey: t.apiKey },
      body: { user_id: phone },
    });

    expect(res.status).toBe(200);
    expect(res.body.receipt.erased).toMatchObject({ recordings: 1, messages: 1 });
    const twilio = await deletedAtTwilio();
    expect(twilio.deleted).toContain(sid);
    // With the tenant's account (the platform's here: this tenant has none of its own).
    expect(twilio.authAs(sid)).toEqual(["ACtest00000000000000000000000000000 204"]);
  });

  it("erases texts queued to the caller themselves and counts them", async () => {
    const t = await freshTenant();
    const phone = uniquePhone();
    await t.ctx.d1
      .prepare(
        "INSERT INTO sms_outbox (id, dedupe_key, to_number, body) VALUES (?, ?, ?, 'Your transcript')",
      )
      .bind(`sms_${phone}`, `dedupe_${phone}`, phone)
      .run();

    const res = await api<Receipt>("POST", "/v2/forget", {
      auth: { apiKey: t.apiKey },
      body: { user_id: phone },
    });

    expect(res.body.receipt.erased.smsOutbox).toBe(1);
    const left = await t.ctx.d1
      .prepare("SELECT COUNT(*) AS n FROM sms_outbox WHERE to_number = ?")
      .bind(phone)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
  });
});
