import { env } from "cloudflare:test";
import twilio from "twilio";
import { beforeAll, describe, expect, it } from "vitest";
import {
  computeTwilioSignature,
  isValidTwilioSignature,
  verifyTwilioWebhook,
} from "../../workers/twilio/signature";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { seedDemoTenants } from "../support/api";

const TOKEN = "12345-auth-token";
const URL_ = "https://receptionist.test/twilio/voice?tenantHint=1";
const PARAMS = {
  CallSid: "CA123",
  From: "+19495550100",
  To: "+19497071290",
  Digits: "1234",
  Caller: "+19495550100",
};

function signedRequest(params: Record<string, string>, signature: string): Request {
  return new Request("http://127.0.0.1:8787/twilio/voice", {
    method: "POST",
    headers: {
      "x-twilio-signature": signature,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(params),
  });
}

describe("Twilio request signatures", () => {
  it("computes the same signature as the twilio package", async () => {
    expect(await computeTwilioSignature(TOKEN, URL_, PARAMS)).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, URL_, PARAMS),
    );
  });

  it("accepts a signature the twilio package made", async () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, PARAMS);
    expect(await isValidTwilioSignature(TOKEN, signature, URL_, PARAMS)).toBe(true);
  });

  it("rejects a signature when a parameter was changed", async () => {
    const signature = twilio.getExpectedTwilioSignature(TOKEN, URL_, PARAMS);
    expect(
      await isValidTwilioSignature(TOKEN, signature, URL_, { ...PARAMS, To: "+13105550142" }),
    ).toBe(false);
  });

  it("rejects a signature made over another URL", async () => {
    const signature = twilio.getExpectedTwilioSignature(
      TOKEN,
      "https://evil.test/twilio/voice",
      PARAMS,
    );
    expect(await isValidTwilioSignature(TOKEN, signature, URL_, PARAMS)).toBe(false);
  });

  it("rejects a missing signature", async () => {
    expect(await isValidTwilioSignature(TOKEN, undefined, URL_, PARAMS)).toBe(false);
  });

  it("signs WebSocket handshakes over the wss URL with no parameters", async () => {
    const wss = "wss://receptionist.test/twilio/media/CA123";
    expect(await computeTwilioSignature(TOKEN, wss, {})).toBe(
      twilio.getExpectedTwilioSignature(TOKEN, wss, {}),
    );
  });
});

/** Verifies a voice webhook as the platform does, signed by Twilio's own function unless forged. */
function verifyWebhook(params: Record<string, string>, forgedSignature?: string) {
  const signature =
    forgedSignature ??
    twilio.getExpectedTwilioSignature(
      env.TWILIO_AUTH_TOKEN,
      `${env.PUBLIC_BASE_URL}/twilio/voice`,
      params,
    );
  return verifyTwilioWebhook(
    env.TWILIO_AUTH_TOKEN,
    env.PUBLIC_BASE_URL,
    signedRequest(params, signature),
    params,
  );
}

describe("tenant from a dialled number", () => {
  beforeAll(async () => {
    await seedDemoTenants();
  });

  it("resolves the tenant that owns the dialled number on a correctly signed webhook", async () => {
    const params = { ...PARAMS, To: "+19497071290" };
    const webhook = await verifyWebhook(params);
    expect(webhook).not.toBeNull();
    if (!webhook) return;
    const resolution = await resolveTenant(env, { kind: "twilio", webhook });
    expect(resolution.ok && resolution.ctx.tenant.slug).toBe("peterson-family-insurance");
    expect(resolution.ok && resolution.ctx.vectorNamespace).toBe("tnt_demo_peterson");
  });

  it("gives no webhook for a forged signature", async () => {
    const params = { ...PARAMS };
    const webhook = await verifyWebhook(params, "Zm9yZ2Vk");
    expect(webhook).toBeNull();
  });

  it("reports an unknown number as unknown", async () => {
    const params = { ...PARAMS, To: "+18885550000" };
    const webhook = await verifyWebhook(params);
    if (!webhook) throw new Error("expected a verified webhook");
    expect(await resolveTenant(env, { kind: "twilio", webhook })).toEqual({
      ok: false,
      reason: "unknown_number",
    });
  });
});
