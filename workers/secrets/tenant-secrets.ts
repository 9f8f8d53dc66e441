/**
 * Bring-your-own keys, stored encrypted. Envelope encryption: each secret is sealed with its
 * own AES-GCM data key, and that key is wrapped (AES-GCM) by SECRETS_MASTER_KEY. The tenant id
 * and secret name are bound in as additional data, so a ciphertext copied to another tenant
 * or another name does not decrypt. Rotating the master key re-wraps data keys only.
 * Values never leave this module except to the code that uses them (call setup, messaging).
 */
import { and, eq } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { tenantSecrets } from "../db/platform.schema";
import type { Env } from "../env";
import { fromBase64, randomBytes, toBase64 } from "../lib/crypto";
import type { SecretName } from "./secrets.schema";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function masterKey(env: Env): Promise<CryptoKey> {
  const raw = fromBase64(env.SECRETS_MASTER_KEY);
  if (raw.length !== 32) throw new Error("SECRETS_MASTER_KEY must be 32 bytes, base64-encoded");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

async function seal(key: CryptoKey, plaintext: Uint8Array, aad: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: encoder.encode(aad) },
      key,
      plaintext,
    ),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return toBase64(out);
}

async function open(key: CryptoKey, sealed: string, aad: string): Promise<Uint8Array> {
  const bytes = fromBase64(sealed);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: encoder.encode(aad) },
    key,
    bytes.slice(12),
  );
  return new Uint8Array(plain);
}

/**
 * The write that stores a secret, sealed; run it alone or in a batch with its audit row. It is
 * wrapped because a query builder is thenable: returned bare from an async function, it would run.
 */
export async function sealedSecretUpsert(
  env: Env,
  db: PlatformDb,
  tenantId: string,
  name: SecretName,
  value: string,
) {
  const aad = `${tenantId}:${name}`;
  const dataKeyBytes = randomBytes(32);
  const dataKey = await crypto.subtle.importKey("raw", dataKeyBytes, "AES-GCM", false, ["encrypt"]);
  const ciphertext = await seal(dataKey, encoder.encode(value), aad);
  const wrappedKey = await seal(await masterKey(env), dataKeyBytes, aad);
  const now = new Date().toISOString();
  const upsert = db
    .insert(tenantSecrets)
    .values({ tenantId, name, ciphertext, wrappedKey, keyVersion: 1, updatedAt: now })
    .onConflictDoUpdate({
      target: [tenantSecrets.tenantId, tenantSecrets.name],
      set: { ciphertext, wrappedKey, updatedAt: now },
    });
  return { upsert };
}

export async function setTenantSecret(
  env: Env,
  tenantId: string,
  name: SecretName,
  value: string,
): Promise<void> {
  const db = platformDb(env.PLATFORM_DB);
  await (
    await sealedSecretUpsert(env, db, tenantId, name, value)
  ).upsert;
}

/** The secret in clear, or null when the tenant has not set it (the platform's key applies). */
export async function getTenantSecret(
  env: Env,
  tenantId: string,
  name: SecretName,
): Promise<string | null> {
  const row = await platformDb(env.PLATFORM_DB).query.tenantSecrets.findFirst({
    where: and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.name, name)),
  });
  if (!row) return null;
  const aad = `${tenantId}:${name}`;
  const dataKeyBytes = await open(await masterKey(env), row.wrappedKey, aad);
  const dataKey = await crypto.subtle.importKey("raw", dataKeyBytes, "AES-GCM", false, ["decrypt"]);
  return decoder.decode(await open(dataKey, row.ciphertext, aad));
}

/** Which secrets are set, and when: never their values. */
export async function listTenantSecrets(
  env: Env,
  tenantId: string,
): Promise<{ name: string; updatedAt: string }[]> {
  const rows = await platformDb(env.PLATFORM_DB).query.tenantSecrets.findMany({
    where: eq(tenantSecrets.tenantId, tenantId),
  });
  return rows.map((r) => ({ name: r.name, updatedAt: r.updatedAt }));
}

/** The write that deletes a secret; run it in a batch with its audit row. */
export function secretDelete(db: PlatformDb, tenantId: string, name: SecretName) {
  return db
    .delete(tenantSecrets)
    .where(and(eq(tenantSecrets.tenantId, tenantId), eq(tenantSecrets.name, name)));
}

/** The OpenAI key for a tenant's calls: its own where set, else the platform's. */
export async function openAiKeyFor(env: Env, tenantId: string): Promise<string | null> {
  return (await getTenantSecret(env, tenantId, "openai_api_key")) ?? (env.OPENAI_API_KEY || null);
}

/** Twilio REST credentials for a tenant: its own account where set, else the platform's. */
export async function twilioCredentialsFor(
  env: Env,
  tenantId: string,
): Promise<{ accountSid: string; authToken: string }> {
  const [sid, token] = await Promise.all([
    getTenantSecret(env, tenantId, "twilio_account_sid"),
    getTenantSecret(env, tenantId, "twilio_auth_token"),
  ]);
  if (sid && token) return { accountSid: sid, authToken: token };
  return { accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN };
}
