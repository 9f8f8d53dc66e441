/**
 * Tenant API keys: `nsk_<prefix>_<secret>`. The prefix is stored in clear so a key can be
 * found and recognised; only a SHA-256 of the whole key is stored, and it is shown once.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import { auditInsert } from "../audit/audit";
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
import type { ApiKeyPrincipal } from "../auth/principal";
import type { CreatedApiKey } from "./api-keys.schema";

const KEY_PATTERN = /^nsk_([0-9a-f]{10})_([A-Za-z0-9_-]{32,64})$/;

async function newKey(tenantId: string, name: string, createdBy: string | null) {
  const prefix = `nsk_${toHex(randomBytes(5))}`;
  const key = `${prefix}_${toBase64Url(randomBytes(32))}`;
  const id = newId("key");
  const createdAt = new Date().toISOString();
  const row = { id, tenantId, name, prefix, keyHash: await sha256Hex(key), createdBy, createdAt };
  const created: CreatedApiKey = { id, name, prefix, createdAt, key };
  return { row, created };
}

/** A key for `tenantId`, with no audit row (seeding, tests). */
export async function createApiKey(
  db: PlatformDb,
  tenantId: string,
  name: string,
  createdBy: string | null,
): Promise<CreatedApiKey> {
  const { row, created } = await newKey(tenantId, name, createdBy);
  await db.insert(apiKeys).values(row);
  return created;
}

/** A key issued by someone: the key and its audit row are written in one batch. */
export async function issueApiKey(
  db: PlatformDb,
  principal: Principal | undefined,
  tenantId: string,
  name: string,
  requestId: string | null,
): Promise<CreatedApiKey> {
  const createdBy = principal?.kind === "user" ? principal.userId : null;
  const { row, created } = await newKey(tenantId, name, createdBy);
  await db.batch([
    db.insert(apiKeys).values(row),
    auditInsert(db, principal, {
      action: "api_key.create",
      tenantId,
      target: created.prefix,
      detail: { name },
      requestId,
    }),
  ]);
  return created;
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
