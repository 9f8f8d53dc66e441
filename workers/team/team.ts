/**
 * A tenant's team: members, roles, reset links. The permission matrix says who may manage the
 * team at all; the rules here depend on the target:
 * - only owners grant, change or remove the owner role (an admin cannot touch owners);
 * - a tenant always keeps at least one owner (checked inside the write, so two concurrent
 *   demotions cannot both pass);
 * - an owner may issue a reset link only for an account that belongs to this tenant alone, so
 *   one business can never take over an account that also opens another business (or the platform);
 *   that rule lives in workers/auth/link-policy.ts and is checked again when the link is used.
 *
 * Role changes and removals are conditional writes (the last-owner rule): whether one happened
 * is known only after it ran, so its audit row follows it instead of sharing its batch.
 */
import { and, eq, gt, ne, or } from "drizzle-orm";
import { mayGrant, resetLinkAllowed } from "../auth/link-policy";
import type { ActorRole } from "../auth/permissions";
import type { Principal, Role, UserPrincipal } from "../auth/principal";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import { memberships, users } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { IssuedLink } from "./invitations";
import { issueLink } from "./invitations";
import type { Member } from "./team.schema";

/** Who changes the team: the caller, their role in the tenant, and the request to record. */
export interface TeamActor {
  principal: Principal;
  role: ActorRole;
  requestId: string | null;
}

export async function listMembers(db: PlatformDb, tenantId: string): Promise<Member[]> {
  const rows = await db
    .select({ membership: memberships, user: users })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, tenantId))
    .orderBy(memberships.createdAt);
  return rows.map(({ membership, user }) => ({
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: membership.role,
    status: user.status,
    joinedAt: membership.createdAt,
  }));
}

async function getMember(db: PlatformDb, tenantId: string, userId: string) {
  const member = (await listMembers(db, tenantId)).find((m) => m.userId === userId);
  return member ? ok(member) : fail("not_found", "No such member of this tenant");
}

function lastOwner() {
  return fail("conflict", "A tenant must keep at least one owner; make someone else owner first");
}

/** More than one owner in the tenant: the condition under which an owner may go. */
function anotherOwnerRemains(db: PlatformDb, tenantId: string) {
  return gt(
    db.$count(memberships, and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner"))),
    1,
  );
}

export async function changeMemberRole(
  db: PlatformDb,
  tenantId: string,
  actor: TeamActor,
  userId: string,
  role: Role,
): Promise<Result<Member>> {
  const found = await getMember(db, tenantId, userId);
  if (!found.ok) return found;
  const member = found.value;
  if (!mayGrant(actor.role, role) || (member.role === "owner" && !mayGrant(actor.role, "owner")))
    return fail("forbidden", "Only an owner can grant, change or remove the owner role");
  if (member.role === role) return ok(member);
  const changed = await db
    .update(memberships)
    .set({ role })
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.tenantId, tenantId),
        role === "owner"
          ? undefined
          : or(ne(memberships.role, "owner"), anotherOwnerRemains(db, tenantId)),
      ),
    )
    .returning({ userId: memberships.userId });
  if (changed.length === 0) return lastOwner();
  await auditInsert(db, actor.principal, {
    action: "team.role_change",
    tenantId,
    target: userId,
    detail: { from: member.role, to: role },
    requestId: actor.requestId,
  });
  return ok({ ...member, role });
}

export async function removeMember(
  db: PlatformDb,
  tenantId: string,
  actor: TeamActor,
  userId: string,
): Promise<Result<Member>> {
  const found = await getMember(db, tenantId, userId);
  if (!found.ok) return found;
  const member = found.value;
  if (member.role === "owner" && !mayGrant(actor.role, "owner"))
    return fail("forbidden", "Only an owner can remove an owner");
  const removed = await db
    .delete(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        eq(memberships.tenantId, tenantId),
        or(ne(memberships.role, "owner"), anotherOwnerRemains(db, tenantId)),
      ),
    )
    .returning({ userId: memberships.userId });
  if (removed.length === 0) return lastOwner();
  await auditInsert(db, actor.principal, {
    action: "team.remove",
    tenantId,
    target: userId,
    detail: { role: member.role },
    requestId: actor.requestId,
  });
  return ok(member);
}

/** A reset link for a member, when `issuer` may give one from this tenant (owners only). */
export async function issueMemberResetLink(
  db: PlatformDb,
  tenantId: string,
  issuer: UserPrincipal,
  userId: string,
  requestId: string | null,
): Promise<Result<IssuedLink>> {
  const found = await getMember(db, tenantId, userId);
  if (!found.ok) return found;
  const allowed = await resetLinkAllowed(db, { tenantId, issuerId: issuer.userId }, userId);
  if (!allowed.ok) return allowed;
  return ok(
    await issueLink(
      db,
      { kind: "reset", email: found.value.email, tenantId, role: null, createdBy: issuer.userId },
      {
        principal: issuer,
        entry: () => ({ action: "team.reset_link", tenantId, target: userId, requestId }),
      },
    ),
  );
}
