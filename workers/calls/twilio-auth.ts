/**
 * Which Twilio account signed a webhook. Most tenants use the platform's account; a tenant may
 * bring its own (tenant secrets), and Twilio then signs with that account's auth token. We try
 * the platform token first (one HMAC, no lookups), then the dialled number's tenant's token.
 */
import { eq } from "drizzle-orm";
import { platformDb } from "../db/handles";
import { phoneNumbers } from "../db/platform.schema";
import type { Env } from "../env";
import { normalizePhone } from "../lib/phone";
import { twilioCredentialsFor } from "../secrets/tenant-secrets";
import type { VerifiedTwilioWebhook } from "../twilio/signature";
import { isValidTwilioSignature, verifyTwilioWebhook } from "../twilio/signature";

async function tenantAuthTokenForNumber(env: Env, dialled: string): Promise<string | null> {
  const number = normalizePhone(dialled);
  if (!number) return null;
  const row = await platformDb(env.PLATFORM_DB).query.phoneNumbers.findFirst({
    where: eq(phoneNumbers.e164, number),
  });
  if (!row) return null;
  return tenantAuthToken(env, row.tenantId);
}

/** The tenant's own auth token, or null when it uses the platform's account. */
export async function tenantAuthToken(env: Env, tenantId: string): Promise<string | null> {
  const creds = await twilioCredentialsFor(env, tenantId);
  return creds.authToken && creds.authToken !== env.TWILIO_AUTH_TOKEN ? creds.authToken : null;
}

/** A verified form webhook, signed by the platform account or the dialled tenant's own. */
export async function verifyVoiceWebhook(
  env: Env,
  request: Request,
  params: Record<string, string>,
): Promise<VerifiedTwilioWebhook | null> {
  if (!request.headers.get("x-twilio-signature")) return null;
  const platform = await verifyTwilioWebhook(
    env.TWILIO_AUTH_TOKEN,
    env.PUBLIC_BASE_URL,
    request,
    params,
  );
  if (platform) return platform;
  const tenantToken = await tenantAuthTokenForNumber(env, params.To ?? params.Called ?? "");
  if (!tenantToken) return null;
  return verifyTwilioWebhook(tenantToken, env.PUBLIC_BASE_URL, request, params);
}

/** A WebSocket handshake: signed over the wss:// URL with no params. */
export function isSignedHandshake(
  authToken: string,
  signature: string | null,
  wssUrl: string,
): Promise<boolean> {
  return isValidTwilioSignature(authToken, signature, wssUrl, {});
}
