import { env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { createTwilioRestClient, twilioRestFor } from "../../workers/twilio/rest";
import { PLATFORM_TWILIO } from "../support/twilio-accounts";

const twilioRestUrl = inject("twilioRestUrl");

function callSid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `CA${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function simClient(authToken = PLATFORM_TWILIO.authToken) {
  return createTwilioRestClient({
    baseUrl: twilioRestUrl,
    accountSid: PLATFORM_TWILIO.accountSid,
    authToken,
  });
}

interface SimLog {
  requests: { path: string; form: Record<string, string>; authOk: boolean }[];
  messages: { sid: string; to: string; body: string; statusCallback: string | null }[];
}

async function simLog(sid?: string): Promise<SimLog> {
  const res = await fetch(`${twilioRestUrl}/__sim/requests${sid ? `?callSid=${sid}` : ""}`);
  return res.json<SimLog>();
}

/** A fetch that records what it was asked and answers with `answer`. */
function fakeFetch(answer: (init: RequestInit | undefined) => Promise<Response>) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fn: typeof fetch = (input, init) => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init });
    return answer(init);
  };
  return { fn, calls };
}

describe("Twilio REST client: updateCall", () => {
  it("redirects a live call with a form-encoded Url and Method, authenticated as the account", async () => {
    const sid = callSid();
    const result = await simClient().updateCall(sid, {
      url: "https://receptionist.test/twilio/continue",
      method: "POST",
    });
    expect(result).toMatchObject({ ok: true, value: { sid, status: "in-progress" } });
    const { requests } = await simLog(sid);
    expect(requests).toEqual([
      expect.objectContaining({
        path: `/2010-04-01/Accounts/${PLATFORM_TWILIO.accountSid}/Calls/${sid}.json`,
        form: { Url: "https://receptionist.test/twilio/continue", Method: "POST" },
        authOk: true,
      }),
    ]);
  });

  it("hangs up a call with Status=completed", async () => {
    const sid = callSid();
    const result = await simClient().updateCall(sid, { status: "completed" });
    expect(result).toMatchObject({ ok: true, value: { status: "completed" } });
  });

  it("returns Twilio's code and message when the call is no longer in progress", async () => {
    const sid = callSid();
    await simClient().updateCall(sid, { status: "completed" });
    const result = await simClient().updateCall(sid, { twiml: "<Response><Hangup/></Response>" });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "twilio",
        status: 400,
        code: 21220,
        message: "Call is not in-progress. Cannot redirect.",
      },
    });
  });

  it("returns Twilio's 20003 when the credentials are wrong", async () => {
    const result = await simClient("not-the-token").updateCall(callSid(), { status: "completed" });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "twilio", status: 401, code: 20003 },
    });
  });

  it("refuses a malformed CallSid without sending anything", async () => {
    const fake = fakeFetch(() => Promise.resolve(new Response("{}")));
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    const result = await client.updateCall("CA../../Messages", { status: "completed" });
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid_request" } });
    expect(fake.calls).toHaveLength(0);
  });

  it("refuses an update that asks for nothing", async () => {
    const fake = fakeFetch(() => Promise.resolve(new Response("{}")));
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    const result = await client.updateCall(callSid(), {});
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "invalid_request", message: "give a url, twiml or status" },
    });
    expect(fake.calls).toHaveLength(0);
  });

  it("gives up after the timeout and says so", async () => {
    const fake = fakeFetch(
      (init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new Error("aborted")));
        }),
    );
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn, timeoutMs: 20 });
    const result = await client.updateCall(callSid(), { status: "completed" });
    expect(result).toEqual({
      ok: false,
      error: {
        kind: "timeout",
        status: null,
        code: null,
        message: "Twilio did not answer within 20 ms",
      },
    });
  });

  it("reports an unreachable server as a network error", async () => {
    const fake = fakeFetch(() => Promise.reject(new TypeError("connection refused")));
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    const result = await client.updateCall(callSid(), { status: "completed" });
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "network", message: "could not reach Twilio: connection refused" },
    });
  });

  it("reports a success answer it cannot read as bad_response", async () => {
    const fake = fakeFetch(() => Promise.resolve(new Response("<html>proxy</html>")));
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    const result = await client.updateCall(callSid(), { status: "completed" });
    expect(result).toMatchObject({ ok: false, error: { kind: "bad_response", status: 200 } });
  });

  it("uses https://api.twilio.com when no base URL is configured", async () => {
    const fake = fakeFetch(() =>
      Promise.resolve(
        Response.json({ sid: "CA1", account_sid: PLATFORM_TWILIO.accountSid, status: "completed" }),
      ),
    );
    const sid = callSid();
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    await client.updateCall(sid, { status: "completed" });
    expect(fake.calls[0]?.url).toBe(
      `https://api.twilio.com/2010-04-01/Accounts/${PLATFORM_TWILIO.accountSid}/Calls/${sid}.json`,
    );
    const headers = new Headers(fake.calls[0]?.init?.headers);
    expect(headers.get("authorization")).toBe(
      `Basic ${btoa(`${PLATFORM_TWILIO.accountSid}:${PLATFORM_TWILIO.authToken}`)}`,
    );
    expect(headers.get("content-type")).toBe("application/x-www-form-urlencoded");
  });
});

describe("Twilio REST client: sendSms", () => {
  it("sends an SMS and returns the message sid Twilio assigned", async () => {
    const body = `Call summary ${crypto.randomUUID()}`;
    const result = await simClient().sendSms({
      to: "+17145550100",
      from: "+19497071290",
      body,
      statusCallback: "https://receptionist.test/twilio/sms-status",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ to: "+17145550100", status: "queued" });
    expect(result.value.sid).toMatch(/^SM[0-9a-f]{32}$/);
    const { messages } = await simLog();
    expect(messages.find((m) => m.sid === result.value.sid)).toMatchObject({
      body,
      statusCallback: "https://receptionist.test/twilio/sms-status",
    });
  });

  it("refuses a recipient that is not E.164 without sending anything", async () => {
    const fake = fakeFetch(() => Promise.resolve(new Response("{}")));
    const client = createTwilioRestClient({ ...PLATFORM_TWILIO, fetch: fake.fn });
    const result = await client.sendSms({ to: "714-555", from: "+19497071290", body: "hi" });
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid_request" } });
    expect(fake.calls).toHaveLength(0);
  });
});

describe("twilioRestFor", () => {
  it("uses the platform account and TWILIO_API_BASE_URL when the tenant has no Twilio keys", async () => {
    const client = await twilioRestFor(
      { ...env, TWILIO_API_BASE_URL: twilioRestUrl },
      "tnt_without_keys",
    );
    expect(client.accountSid).toBe(env.TWILIO_ACCOUNT_SID);
    const result = await client.updateCall(callSid(), { status: "completed" });
    expect(result.ok).toBe(true);
  });
});

describe("deleting a recording", () => {
  const recordingSid = () => `RE${crypto.randomUUID().replace(/-/g, "")}`;

  it("deletes it with a DELETE on the Recording, and counts one already gone as not deleted", async () => {
    const client = simClient();
    const sid = recordingSid();
    expect(await client.deleteRecording(sid)).toEqual({ ok: true, value: { deleted: true } });
    expect(await client.deleteRecording(sid)).toEqual({ ok: true, value: { deleted: false } });
  });

  it("reports Twilio's refusal of wrong credentials as a failure", async () => {
    const result = await simClient("wrong-token").deleteRecording(recordingSid());
    expect(result).toMatchObject({
      ok: false,
      error: { kind: "twilio", status: 401, code: 20003 },
    });
  });

  it("refuses a malformed Recording SID without asking Twilio", async () => {
    const result = await simClient().deleteRecording("RE../Calls/CA1");
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid_request" } });
  });
});
