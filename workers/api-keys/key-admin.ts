/** A tenant's API keys as admins see them: never the key, only what recognises it. */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import { apiKeys } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { ApiKeyView } from "./api-keys.schema";

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

/**
 * Revokes one of the tenant's keys (revoking a revoked key changes nothing and answers it as
 * it is). The revocation and its audit row are written in one batch.
 */
export async function revokeApiKey(
  db: PlatformDb,
  principal: Principal | undefined,
  tenantId: string,
  id: string,
  requestId: string | null,
): Promise<Result<ApiKeyView>> {
  const row = await db.query.apiKeys.findFirst({
    where: and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId)),
  });
  if (!row) return fail("not_found", "No such API key");
  const recorded = auditInsert(db, principal, {
    action: "api_key.revoke",
    tenantId,
    target: row.prefix,
    requestId,
  });
  if (row.revokedAt) {
    await recorded;
    return ok(toView(row));
  }
  const revokedAt = new Date().toISOString();
  await db.batch([
    db
      .update(apiKeys)
      .set({ revokedAt })
      .where(and(eq(apiKeys.id, id), eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt))),
    recorded,
  ]);
  return ok(toView({ ...row, revokedAt }));
}
