/** Accounts as operators see them: who they are and which tenants they open. */
import { count, eq, inArray, or } from "drizzle-orm";
import type { UserPrincipal } from "../auth/principal";
import type { PlatformDb } from "../db/handles";
import { memberships, users } from "../db/platform.schema";
import { containsText } from "../db/text-search";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { IssuedLink } from "../team/invitations";
import { issueLink } from "../team/invitations";
import type { PlatformUser, UserListQuery } from "./users.schema";

export async function listUsers(
  db: PlatformDb,
  query: UserListQuery,
): Promise<{ users: PlatformUser[]; total: number }> {
  const term = query.search;
  const condition = term
    ? or(containsText(users.email, term), containsText(users.displayName, term))
    : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(users)
      .where(condition)
      .orderBy(users.email)
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: count() }).from(users).where(condition),
  ]);
  const held =
    rows.length > 0
      ? await db
          .select()
          .from(memberships)
          .where(
            inArray(
              memberships.userId,
              rows.map((r) => r.id),
            ),
          )
      : [];
  return {
    users: rows.map((u) => ({
      id: u.id,
      email: u.email,
      displayName: u.displayName,
      isPlatformAdmin: u.isPlatformAdmin,
      status: u.status,
      createdAt: u.createdAt,
      memberships: held
        .filter((m) => m.userId === u.id)
        .map((m) => ({ tenantId: m.tenantId, role: m.role })),
    })),
    total: totals[0]?.n ?? 0,
  };
}

/** An operator's reset link for any account (not bound to a tenant). */
export async function issueUserResetLink(
  db: PlatformDb,
  admin: UserPrincipal,
  userId: string,
  requestId: string | null,
): Promise<Result<IssuedLink>> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) return fail("not_found", "No such user");
  return ok(
    await issueLink(
      db,
      { kind: "reset", email: user.email, tenantId: null, role: null, createdBy: admin.userId },
      {
        principal: admin,
        entry: () => ({ action: "user.reset_link", target: user.id, requestId }),
      },
    ),
  );
}
