/** A tenant's API keys as admins see them: never the key, only what recognises it. */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { apiKeys } from "../db/platform.schema";

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

function toView(row: typeof apiKeys.$inferSelect): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}

export async function listApiKeys(db: PlatformDb, tenantId: string): Promise<ApiKeyView[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toView);
}

/** Revokes one of the tenant's keys; null when the tenant has no key with that id. */
export async function revokeApiKey(
  db: PlatformDb,
  tenantId: string,
  id: string,
): Promise<ApiKeyView | null> {
  const row = await db.query.apiKeys.findFirst({
    where: and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)),
  });
  if (!row) return null;
  if (row.revokedAt) return toView(row);
  const revokedAt = new Date().toISOString();
  await db
    .update(apiKeys)
    .set({ revokedAt })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)));
  return toView({ ...row, revokedAt });
}
