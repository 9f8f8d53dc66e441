/**
 * Twilio request validation. Twilio signs `url + sorted(key + value)` with HMAC-SHA1 under the
 * account's auth token. The URL is the public one Twilio called (PUBLIC_BASE_URL + path +
 * query), not the one the Worker sees, which differs behind tunnels and proxies.
 * WebSocket handshakes are signed the same way over the wss:// URL with no body.
 */
import { constantTimeEqual, hmac, toBase64 } from "../lib/crypto";
import { normalizePhone } from "../lib/phone";

export async function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
): Promise<string> {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return toBase64(await hmac("SHA-1", authToken, data));
}

export async function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined | null,
  url: string,
  params: Record<string, string>,
): Promise<boolean> {
  if (!signature || !authToken) return false;
  const expected = await computeTwilioSignature(authToken, url, params);
  return constantTimeEqual(expected, signature);
}

/** The public URL Twilio used for a request, from PUBLIC_BASE_URL plus the request's path and query. */
export function publicUrlFor(publicBaseUrl: string, request: Request): string {
  const incoming = new URL(request.url);
  return publicBaseUrl.replace(/\/+$/, "") + incoming.pathname + incoming.search;
}

/** The same, for a WebSocket: https → wss, http → ws. */
export function publicWebSocketUrlFor(publicBaseUrl: string, request: Request): string {
  return publicUrlFor(publicBaseUrl, request).replace(/^http/, "ws");
}

declare const verifiedTwilio: unique symbol;

/** A webhook whose signature was checked. Only verifyTwilioWebhook makes these. */
export interface VerifiedTwilioWebhook {
  readonly [verifiedTwilio]: true;
  readonly params: Readonly<Record<string, string>>;
  /** The dialled number (To), E.164. */
  readonly dialledNumber: string;
}

/** Checks a form webhook; null when the signature is missing or wrong, or no number was dialled. */
export async function verifyTwilioWebhook(
  authToken: string,
  publicBaseUrl: string,
  request: Request,
  params: Record<string, string>,
): Promise<VerifiedTwilioWebhook | null> {
  const url = publicUrlFor(publicBaseUrl, request);
  const ok = await isValidTwilioSignature(
    authToken,
    request.headers.get("x-twilio-signature"),
    url,
    params,
  );
  if (!ok) return null;
  const dialledNumber = normalizePhone(params.To ?? params.Called ?? "");
  if (!dialledNumber) return null;
  return { params, dialledNumber } as VerifiedTwilioWebhook;
}
