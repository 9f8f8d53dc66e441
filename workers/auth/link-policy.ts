/**
 * Who may issue an invitation or reset link, kept apart so it can be reviewed alone. Each rule
 * is checked when the link is issued and again when it is used: a link may sit unused for days,
 * and what held then (the issuer's role, the account belonging to one tenant alone) may not hold
 * any more. A link is only as good as the rules are at the moment it takes effect.
 *
 * Unused links are also revoked when the account they concern changes (memberships, roles,
 * platform-admin flag, password, status): triggers in the platform database do that
 * (migrations/platform, `revoke_stale_links`), so no code path can forget it.
 */
import { and, eq } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { memberships, tenants, users } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { ActorRole } from "./permissions";
import { can } from "./permissions";
import type { Role } from "./principal";

/** An admin may invite admins and staff; only an owner (or an operator) may grant the owner role. */
export function mayGrant(actor: ActorRole, role: Role): boolean {
  if (actor === "owner" || actor === "platform_admin") return true;
  return actor === "admin" && role !== "owner";
}

type UserRow = typeof users.$inferSelect;

async function activeUser(db: PlatformDb, userId: string | null): Promise<UserRow | null> {
  if (!userId) return null;
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  return user && user.status === "active" ? user : null;
}

async function membershipRole(
  db: PlatformDb,
  tenantId: string,
  userId: string,
): Promise<Role | null> {
  const row = await db.query.memberships.findFirst({
    where: and(eq(memberships.userId, userId), eq(memberships.tenantId, tenantId)),
  });
  return row?.role ?? null;
}

async function openTenant(db: PlatformDb, tenantId: string): Promise<boolean> {
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  return row !== undefined && row.status !== "offboarded";
}

const ALLOWED: Result<void> = ok(undefined);

function issuerGone(): Result<void> {
  return fail(
    "forbidden",

    "Whoever issued this link may no longer do so; ask a current owner or an operator for a new one",
  );
}

/**
 * Whether `tenantId`'s owners may set this account's password: only when the account opens this
 * tenant and nothing else (no other tenant, not the platform).
 */
export async function soleTenantAccount(
  db: PlatformDb,
  tenantId: string,
  userId: string,
): Promise<Result<void>> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  const held = await db.query.memberships.findMany({ where: eq(memberships.userId, userId) });
  if (!user || !held.some((m) => m.tenantId === tenantId))
    return fail("not_found", "No such member of this tenant");
  if (user.isPlatformAdmin || held.some((m) => m.tenantId !== tenantId))
    return fail(
      "forbidden",
      "This account also opens other tenants; ask a platform operator for a reset link",
    );
  return ALLOWED;
}

/**
 * A reset link for `userId` issued by `issuerId`: by an operator (`tenantId` null), or by an owner
 * of `tenantId` for an account of that tenant alone: whether it may be issued or used now.
 */
export async function resetLinkAllowed(
  db: PlatformDb,
  link: { tenantId: string | null; issuerId: string | null },
  userId: string,
): Promise<Result<void>> {
  const issuer = await activeUser(db, link.issuerId);
  if (!issuer) return issuerGone();
  if (link.tenantId === null) return issuer.isPlatformAdmin ? ALLOWED : issuerGone();
  if (!(await openTenant(db, link.tenantId))) return issuerGone();
  const issuerRole = await membershipRole(db, link.tenantId, issuer.id);
  if (!can(issuerRole, "team.reset_link")) return issuerGone();
  return soleTenantAccount(db, link.tenantId, userId);
}

/**
 * An invitation to `role` (in `tenantId`, or the platform when `role` is platform_admin) issued
 * by `issuerId`, for the account `inviteeId` if one exists. An invitation only ever adds a
 * membership: someone already in the tenant keeps their role (changed through the team page, with
 * its rules), so a stale invitation can never demote an owner or leave a tenant with none.
 */
export async function invitationAllowed(
  db: PlatformDb,
  link: { tenantId: string | null; role: Role | "platform_admin" | null; issuerId: string | null },
  inviteeId: string | null,
): Promise<Result<void>> {
  const issuer = await activeUser(db, link.issuerId);
  if (!issuer || !link.role) return issuerGone();
  if (link.role === "platform_admin" || link.tenantId === null)
    return issuer.isPlatformAdmin && link.role === "platform_admin" ? ALLOWED : issuerGone();
  if (!(await openTenant(db, link.tenantId)))
    return fail("conflict", "This tenant has been offboarded");
  if (!issuer.isPlatformAdmin) {
    const issuerRole = await membershipRole(db, link.tenantId, issuer.id);
    if (!issuerRole || !can(issuerRole, "team.manage") || !mayGrant(issuerRole, link.role))
      return issuerGone();
  }
  if (inviteeId && (await membershipRole(db, link.tenantId, inviteeId)))
    return fail(
      "already_member",
      "You are already a member of this tenant; an owner can change your role on the team page",
    );
  return ALLOWED;
}
