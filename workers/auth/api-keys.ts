/**
 * Tenant API keys: `nsk_<prefix>_<secret>`. The prefix is stored in clear so a key can be
 * found and recognised; only a SHA-256 of the whole key is stored, and it is shown once.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { apiKeys } from "../db/platform.schema";
import {
  constantTimeEqual,
  newId,
  randomBytes,
  sha256Hex,
  toBase64Url,
  toHex,
} from "../lib/crypto";
import type { ApiKeyPrincipal } from "./principal";

const KEY_PATTERN = /^nsk_([0-9a-f]{10})_([A-Za-z0-9_-]{32,64})$/;

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  /** The whole key. Returned once, never stored. */
  key: string;
}

export async function createApiKey(
  db: PlatformDb,
  tenantId: string,
  name: string,
  createdBy: string | null,
): Promise<CreatedApiKey> {
  const prefix = `nsk_${toHex(randomBytes(5))}`;
  const key = `${prefix}_${toBase64Url(randomBytes(32))}`;
  const id = newId("key");
  const createdAt = new Date().toISOString();
  await db
    .insert(apiKeys)
    .values({ id, tenantId, name, prefix, keyHash: await sha256Hex(key), createdBy, createdAt });
  return { id, name, prefix, createdAt, key };
}

export async function apiKeyPrincipal(
  db: PlatformDb,
  presented: string,
): Promise<ApiKeyPrincipal | null> {
  const match = KEY_PATTERN.exec(presented);
  if (!match) return null;
  const prefix = `nsk_${match[1] ?? ""}`;
  const row = await db.query.apiKeys.findFirst({
    where: and(eq(apiKeys.prefix, prefix), isNull(apiKeys.revokedAt)),
  });
  if (!row) return null;
  if (!constantTimeEqual(row.keyHash, await sha256Hex(presented))) return null;
  return { kind: "api_key", apiKeyId: row.id, tenantId: row.tenantId, lastUsedAt: row.lastUsedAt };
}

/** "Last used" is for people spotting stale keys: minute precision, not a write per request. */
const TOUCH_INTERVAL_MS = 60_000;

export function needsTouch(lastUsedAt: string | null, now = Date.now()): boolean {
  return lastUsedAt === null || now - Date.parse(lastUsedAt) >= TOUCH_INTERVAL_MS;
}

export async function touchApiKey(db: PlatformDb, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date().toISOString() }).where(eq(apiKeys.id, id));
}
