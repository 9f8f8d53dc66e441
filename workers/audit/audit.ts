/** The audit log: who did what to which tenant. Detail must never hold secrets. */
import type { PlatformDb } from "../db/handles";
import { auditLog } from "../db/platform.schema";
import type { Principal } from "../auth/principal";

export interface AuditEntry {
  action: string;
  tenantId?: string | null;
  target?: string | null;
  detail?: Record<string, unknown>;
  requestId?: string | null;
}

export function auditActor(principal: Principal | undefined): {
  actorType: "user" | "api_key" | "system";
  actorId: string | null;
} {
  if (!principal) return { actorType: "system", actorId: null };
  return principal.kind === "user"
    ? { actorType: "user", actorId: principal.userId }
    : { actorType: "api_key", actorId: principal.apiKeyId };
}

export function auditInsert(db: PlatformDb, principal: Principal | undefined, entry: AuditEntry) {
  return db.insert(auditLog).values({
    ...auditActor(principal),
    action: entry.action,
    tenantId: entry.tenantId ?? null,
    target: entry.target ?? null,
    detail: entry.detail ? JSON.stringify(entry.detail) : null,
    requestId: entry.requestId ?? null,
  });
}

export async function audit(
  db: PlatformDb,
  principal: Principal | undefined,
  entry: AuditEntry,
): Promise<void> {
  await auditInsert(db, principal, entry);
}
