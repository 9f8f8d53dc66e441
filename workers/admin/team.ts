/**
 * A tenant's team: members, roles, invitations, reset links. The permission matrix says who may
 * manage the team at all; the rules here depend on the target:
 * - only owners grant, change or remove the owner role (an admin cannot touch owners);
 * - a tenant always keeps at least one owner (checked inside the write, so two concurrent
 *   demotions cannot both pass);
 * - an owner may issue a reset link only for an account that belongs to this tenant alone, so
 *   one business can never take over an account that also opens another business (or the platform);
 *   that rule lives in workers/auth/link-policy.ts and is checked again when the link is used.
 */
import { eq } from "drizzle-orm";
import { mayGrant, resetLinkAllowed } from "../auth/link-policy";
import type { ActorRole } from "../auth/permissions";
import type { Role } from "../auth/principal";
import type { PlatformDb } from "../db/handles";
import { memberships, users } from "../db/platform.schema";
import type { Env } from "../env";
import type { AppError } from "../http/errors";
import { conflict, forbidden, notFound } from "../http/errors";

export interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  status: string;
  joinedAt: string;
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

export async function getMember(
  db: PlatformDb,
  tenantId: string,
  userId: string,
): Promise<Member | null> {
  return (await listMembers(db, tenantId)).find((m) => m.userId === userId) ?? null;
}

function lastOwner(): AppError {
  return conflict("A tenant must keep at least one owner; make someone else owner first");
}

export async function changeMemberRole(
  env: Env,
  db: PlatformDb,
  tenantId: string,
  actor: ActorRole,
  userId: string,
  role: Role,
): Promise<{ member: Member; from: Role } | AppError> {
  const member = await getMember(db, tenantId, userId);
  if (!member) return notFound("No such member of this tenant");
  if (!mayGrant(actor, role) || (member.role === "owner" && !mayGrant(actor, "owner")))
    return forbidden("Only an owner can grant, change or remove the owner role");
  if (member.role === role) return { member, from: role };
  const result = await env.PLATFORM_DB.prepare(
    `UPDATE memberships SET role = ?1
       WHERE user_id = ?2 AND tenant_id = ?3
         AND (role != 'owner' OR ?1 = 'owner'
              OR (SELECT count(*) FROM memberships WHERE tenant_id = ?3 AND role = 'owner') > 1)`,
  )
    .bind(role, userId, tenantId)
    .run();
  if (result.meta.changes === 0) return lastOwner();
  return { member: { ...member, role }, from: member.role };
}

export async function removeMember(
  env: Env,
  db: PlatformDb,
  tenantId: string,
  actor: ActorRole,
  userId: string,
): Promise<Member | AppError> {
  const member = await getMember(db, tenantId, userId);
  if (!member) return notFound("No such member of this tenant");
  if (member.role === "owner" && !mayGrant(actor, "owner"))
    return forbidden("Only an owner can remove an owner");
  const result = await env.PLATFORM_DB.prepare(
    `DELETE FROM memberships
       WHERE user_id = ?1 AND tenant_id = ?2
         AND (role != 'owner'
              OR (SELECT count(*) FROM memberships WHERE tenant_id = ?2 AND role = 'owner') > 1)`,
  )
    .bind(userId, tenantId)
    .run();
  if (result.meta.changes === 0) return lastOwner();
  return member;
}

/** The member's account, when `issuerId` may give it a reset link from this tenant. */
export async function resettableMember(
  db: PlatformDb,
  tenantId: string,
  issuerId: string,
  userId: string,
): Promise<Member | AppError> {
  const member = await getMember(db, tenantId, userId);
  if (!member) return notFound("No such member of this tenant");
  return (await resetLinkAllowed(db, { tenantId, issuerId }, userId)) ?? member;
}
