/**
 * Stream tokens: the proof a Media Streams socket belongs to a call our voice webhook answered.
 *
 * Twilio drops query strings on stream URLs, so the token travels as a `<Parameter>` and comes
 * back in the `start` message's `customParameters`. It is `base64url(payload).base64url(mac)`,
 * the MAC an HMAC-SHA256 under a key derived from SECRETS_MASTER_KEY for this purpose only
 * (so a leaked stream key never opens tenant secrets, and the reverse). The payload names the
 * tenant, the CallSid, an expiry and the stream generation the call object issued it for;
 * nothing in it is secret. The call object accepts only the latest generation it issued, and
 * only once (docs/CALLS.md, "One stream at a time"): a token is good for one stream, so a
 * replayed webhook's answer cannot open a second one.
 *
 * This is the only module that makes a `VerifiedCallToken`.
 */
import { z } from "zod";
import type { Env } from "../env";
import { constantTimeEqual, fromBase64Url, toBase64Url } from "../lib/crypto";
import type { VerifiedCallToken } from "../tenancy/tenant-context";

/** Twilio opens the stream within a second or two of reading the TwiML; five minutes is ample. */
export const STREAM_TOKEN_TTL_SECONDS = 300;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const TokenPayload = z.discriminatedUnion("v", [
  z
    .object({
      v: z.literal(2),
      tid: z.string().min(1).max(100),
      sid: z.string().min(1).max(64),
      gen: z.number().int().positive(),
      exp: z.number().int().positive(),
    })
    .strict(),
  // Before generations: still proves the tenant of a call whose object stored it, never
  // opens a stream (it has no generation to match).
  z
    .object({
      v: z.literal(1),
      tid: z.string().min(1).max(100),
      sid: z.string().min(1).max(64),
      exp: z.number().int().positive(),
    })
    .strict(),
]);
type TokenPayload = z.infer<typeof TokenPayload>;

const keyCache = new Map<string, Promise<CryptoKey>>();

/** HMAC key = HMAC-SHA256(master key, "neurosphere/stream-token/v1"): one key per purpose. */
function streamKey(env: Env): Promise<CryptoKey> {
  const cached = keyCache.get(env.SECRETS_MASTER_KEY);
  if (cached) return cached;
  const derived = (async () => {
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
    return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  })();
  keyCache.set(env.SECRETS_MASTER_KEY, derived);
  return derived;
}

async function mac(env: Env, body: string): Promise<string> {
  return toBase64Url(await crypto.subtle.sign("HMAC", await streamKey(env), encoder.encode(body)));
}

export async function signStreamToken(
  env: Env,
  claims: { tenantId: string; callSid: string; generation: number },
  options: { now?: number; ttlSeconds?: number } = {},
): Promise<string> {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: TokenPayload = {
    v: 2,
    tid: claims.tenantId,
    sid: claims.callSid,
    gen: claims.generation,
    exp: nowSeconds + (options.ttlSeconds ?? STREAM_TOKEN_TTL_SECONDS),
  };
  const body = toBase64Url(encoder.encode(JSON.stringify(payload)));
  return `${body}.${await mac(env, body)}`;
}

export type StreamTokenCheck =
  | {
      ok: true;
      token: VerifiedCallToken;
      expiresAt: number;
      /** The stream generation the call object issued it for; null on a version-1 token. */
      generation: number | null;
    }
  | { ok: false; reason: "malformed" | "bad_signature" | "expired" | "wrong_call" };

/**
 * Checks a token for one call: well-formed, MAC valid, not expired, and naming `callSid`.
 * `ignoreExpiry` is for the call object re-reading the token it stored when the stream started
 * (the MAC still proves our webhook issued it; the call may well outlive the five minutes).
 */
export async function verifyStreamToken(
  env: Env,
  token: string | undefined,
  callSid: string,
  options: { now?: number; ignoreExpiry?: boolean } = {},
): Promise<StreamTokenCheck> {
  if (!token || token.length > 1024) return { ok: false, reason: "malformed" };
  const parts = token.split(".");
  const [body, signature] = parts;
  if (parts.length !== 2 || !body || !signature) return { ok: false, reason: "malformed" };
  if (!constantTimeEqual(await mac(env, body), signature))
    return { ok: false, reason: "bad_signature" };
  let payload: TokenPayload;
  try {
    const parsed = TokenPayload.safeParse(JSON.parse(decoder.decode(fromBase64Url(body))));
    if (!parsed.success) return { ok: false, reason: "malformed" };
    payload = parsed.data;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  if (!options.ignoreExpiry && payload.exp < nowSeconds) return { ok: false, reason: "expired" };
  if (payload.sid !== callSid) return { ok: false, reason: "wrong_call" };
  const verified = { tenantId: payload.tid, callSid: payload.sid } as VerifiedCallToken;
  const generation = payload.v === 2 ? payload.gen : null;
  return { ok: true, token: verified, expiresAt: payload.exp * 1000, generation };
}
