/**
 * Stream tokens (workers/calls/stream-token.ts): what the call object accepts as proof that a
 * Media Streams socket belongs to a call our voice webhook answered. Anyone can open a socket
 * and send a `start`, so every malformed shape must be refused cleanly, never thrown.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signStreamToken, verifyStreamToken } from "../../workers/calls/stream-token";
import { toBase64Url } from "../../workers/lib/crypto";

const CALL = "CA0123456789abcdef0123456789abcdef";
const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const encoder = new TextEncoder();

/**
 * Signs any body the way the platform does, from the documented derivation (HMAC key =
 * HMAC-SHA256(master key, "neurosphere/stream-token/v1")), so a test can hand the verifier a
 * correctly signed token whose payload is wrong — and a change to the derivation fails here.
 */
async function signBody(body: string): Promise<string> {
  const master = await crypto.subtle.importKey(
    "raw",
    encoder.encode(env.SECRETS_MASTER_KEY),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const raw = await crypto.subtle.sign(
    "HMAC",
    master,
    encoder.encode("neurosphere/stream-token/v1"),
  );
  const key = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
  return `${body}.${toBase64Url(mac)}`;
}

function bodyOf(payload: unknown): string {
  return toBase64Url(
    encoder.encode(typeof payload === "string" ? payload : JSON.stringify(payload)),
  );
}

const valid = () =>
  signStreamToken(env, { tenantId: "tnt_a", callSid: CALL, generation: 3 }, { now: NOW });

describe("stream tokens", () => {
  it("accepts the token our webhook issued, naming its tenant, call, generation and expiry", async () => {
    const check = await verifyStreamToken(env, await valid(), CALL, { now: NOW });
    expect(check).toEqual({
      ok: true,
      token: { tenantId: "tnt_a", callSid: CALL },
      generation: 3,
      expiresAt: NOW + 300_000,
    });
  });

  it("is signed with the key derived for stream tokens alone", async () => {
    const token = await valid();
    const [body] = token.split(".");
    expect(await signBody(body ?? "")).toBe(token);
  });

  it("refuses a start without a token as malformed", async () => {
    expect(await verifyStreamToken(env, undefined, CALL)).toEqual({
      ok: false,
      reason: "malformed",
    });
    expect(await verifyStreamToken(env, "", CALL)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a token over 1 KiB, however well signed", async () => {
    const huge = await signBody(bodyOf({ pad: "x".repeat(1100) }));
    expect(await verifyStreamToken(env, huge, CALL)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a token with other than two parts", async () => {
    const token = await valid();
    for (const bad of [token.replace(".", ""), `${token}.extra`, `.${token.split(".")[1]}`]) {
      expect(await verifyStreamToken(env, bad, CALL, { now: NOW })).toEqual({
        ok: false,
        reason: "malformed",
      });
    }
  });

  it("refuses a token whose signature was altered", async () => {
    const token = await valid();
    const altered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    expect(await verifyStreamToken(env, altered, CALL, { now: NOW })).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it("refuses a correctly signed token whose payload is not JSON", async () => {
    const token = await signBody(bodyOf("not json {"));
    expect(await verifyStreamToken(env, token, CALL)).toEqual({ ok: false, reason: "malformed" });
  });

  it("refuses a correctly signed token whose payload is not a token's", async () => {
    const exp = Math.floor(NOW / 1000) + 60;
    for (const payload of [
      { v: 2, tid: "tnt_a", sid: CALL, gen: 0, exp },
      { v: 2, tid: "", sid: CALL, gen: 1, exp },
      { v: 2, tid: "t".repeat(101), sid: CALL, gen: 1, exp },
      { v: 2, tid: "tnt_a", sid: CALL, gen: 1, exp, admin: true },
      { v: 3, tid: "tnt_a", sid: CALL, gen: 1, exp },
    ]) {
      expect(
        await verifyStreamToken(env, await signBody(bodyOf(payload)), CALL, { now: NOW }),
      ).toEqual({ ok: false, reason: "malformed" });
    }
  });

  it("refuses an expired token, except to the call object re-reading the one it stored", async () => {
    const token = await valid();
    const later = NOW + 301_000;
    expect(await verifyStreamToken(env, token, CALL, { now: later })).toEqual({
      ok: false,
      reason: "expired",
    });
    expect(
      await verifyStreamToken(env, token, CALL, { now: later, ignoreExpiry: true }),
    ).toMatchObject({
      ok: true,
    });
  });

  it("refuses a token issued for another call", async () => {
    expect(
      await verifyStreamToken(env, await valid(), "CAffffffffffffffffffffffffffffffff", {
        now: NOW,
      }),
    ).toEqual({ ok: false, reason: "wrong_call" });
  });

  it("gives a token from before generations no generation, so it can never open a stream", async () => {
    const v1 = await signBody(
      bodyOf({ v: 1, tid: "tnt_a", sid: CALL, exp: Math.floor(NOW / 1000) + 60 }),
    );
    expect(await verifyStreamToken(env, v1, CALL, { now: NOW })).toMatchObject({
      ok: true,
      generation: null,
    });
  });
});
