/** Reading the audit log: newest first, filtered by tenant, action (or action prefix) and actor. */
import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { auditLog, users } from "../db/platform.schema";
import { startsWithText } from "../db/text-search";
import type { AuditEntryView } from "./audit.schema";

function parseDetail(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export async function queryAuditLog(
  db: PlatformDb,
  filter: { tenantId?: string; action?: string; actorId?: string; limit: number; offset: number },
): Promise<{ entries: AuditEntryView[]; total: number }> {
  const where: SQL[] = [];
  if (filter.tenantId) where.push(eq(auditLog.tenantId, filter.tenantId));
  if (filter.actorId) where.push(eq(auditLog.actorId, filter.actorId));
  if (filter.action) {
    where.push(
      filter.action.endsWith("*")
        ? startsWithText(auditLog.action, filter.action.slice(0, -1))
        : eq(auditLog.action, filter.action),
    );
  }
  const condition = where.length > 0 ? and(...where) : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(condition)
      .orderBy(desc(auditLog.id))
      .limit(filter.limit)
      .offset(filter.offset),
    db.select({ n: count() }).from(auditLog).where(condition),
  ]);
  const userIds = [
    ...new Set(rows.filter((r) => r.actorType === "user" && r.actorId).map((r) => r.actorId ?? "")),
  ];
  const emails = new Map(
    userIds.length > 0
      ? (
          await db
            .select({ id: users.id, email: users.email })
            .from(users)
            .where(inArray(users.id, userIds))
        ).map((u) => [u.id, u.email])
      : [],
  );
  return {
    entries: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorType: r.actorType,
      actorId: r.actorId,
      actorEmail: r.actorType === "user" && r.actorId ? (emails.get(r.actorId) ?? null) : null,
      tenantId: r.tenantId,
      action: r.action,
      target: r.target,
      detail: parseDetail(r.detail),
      requestId: r.requestId,
    })),
    total: totals[0]?.n ?? 0,
  };
}
