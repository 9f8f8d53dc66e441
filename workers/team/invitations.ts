/**
 * Invitations and admin-issued password resets: single-use, expiring links. The token is
 * 32 random bytes shown once (inside the link); the table keeps only its SHA-256.
 *
 * Every rule that allowed the link is checked again when it is used (auth/link-policy.ts), and the
 * claim below only succeeds while the link is unused: a change to the account after that check
 * revokes the link (a trigger sets used_at), so the claim then fails.
 *
 * Accepting is claim-then-apply: the row is marked used by a conditional UPDATE first, so two
 * concurrent accepts of one link cannot both succeed; if applying then fails, the claim is undone.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { InvitationPreview } from "../auth/auth.schema";
import { MIN_PASSWORD_LENGTH } from "../auth/auth.schema";
import { invitationAllowed, resetLinkAllowed } from "../auth/link-policy";
import { hashPassword, verifyPassword } from "../auth/passwords";
import type { Principal } from "../auth/principal";
import type { AuditEntry } from "../audit/audit";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import {
  auditLog,
  invitations,
  memberships,
  sessions,
  tenants,
  users,
} from "../db/platform.schema";
import type { Env } from "../env";
import { newId, randomBytes, sha256Hex, toBase64Url } from "../lib/crypto";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { Invitation } from "./team.schema";

export const INVITE_TTL_SECONDS = 7 * 24 * 60 * 60;
export const RESET_TTL_SECONDS = 24 * 60 * 60;

export type InvitationRow = typeof invitations.$inferSelect;
export type LinkRole = NonNullable<InvitationRow["role"]>;

export function toInvitationView(row: InvitationRow): Invitation {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    tenantId: row.tenantId,
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
  };
}

/** The admin app's accept page (a hash route, so the static app needs no server-side routing). */
export function acceptLink(env: Pick<Env, "PUBLIC_BASE_URL">, token: string): string {
  return `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/#/accept?token=${token}`;
}

export interface IssuedLink {
  invitation: Invitation;
  token: string;
}

export interface LinkRequest {
  kind: "invite" | "reset";
  email: string;
  tenantId: string | null;
  role: LinkRole | null;
  createdBy: string | null;
}

/** Who issues a link, and the audit row that records it (it may name the new invitation). */
export interface LinkAudit {
  principal: Principal | undefined;
  entry: (invitation: Invitation) => AuditEntry;
}

/** Issues a link; the link and its audit row are written in one batch. */
export async function issueLink(
  db: PlatformDb,
  input: LinkRequest,
  audit: LinkAudit,
  now = new Date(),
): Promise<IssuedLink> {
  const token = toBase64Url(randomBytes(32));
  const ttl = input.kind === "invite" ? INVITE_TTL_SECONDS : RESET_TTL_SECONDS;
  const row: InvitationRow = {
    id: newId(input.kind === "invite" ? "inv" : "rst"),
    tokenHash: await sha256Hex(token),
    kind: input.kind,
    email: input.email,
    tenantId: input.tenantId,
    role: input.role,
    createdBy: input.createdBy,
    expiresAt: new Date(now.getTime() + ttl * 1000).toISOString(),
    usedAt: null,
    createdAt: now.toISOString(),
  };
  const invitation = toInvitationView(row);
  const insert = db.insert(invitations).values(row);
  const recorded = auditInsert(db, audit.principal, audit.entry(invitation));
  if (input.kind === "reset") {
    // A new reset link replaces any earlier unused one for the same account.
    const replaced = db
      .update(invitations)
      .set({ usedAt: now.toISOString() })
      .where(
        and(
          eq(invitations.kind, "reset"),
          eq(invitations.email, input.email),
          isNull(invitations.usedAt),
        ),
      );
    await db.batch([replaced, insert, recorded]);
  } else {
    await db.batch([insert, recorded]);
  }
  return { invitation, token };
}

/** Pending (unused, unexpired) invitations into one tenant. */
export async function pendingInvitations(
  db: PlatformDb,
  tenantId: string,
  now = new Date(),
): Promise<Invitation[]> {
  const rows = await db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tenantId, tenantId),
        eq(invitations.kind, "invite"),
        isNull(invitations.usedAt),
        gt(invitations.expiresAt, now.toISOString()),
      ),
    )
    .orderBy(invitations.createdAt);
  return rows.map(toInvitationView);
}

/**
 * Withdraws a pending invitation of a tenant. Whether anything changed is known only after the
 * conditional update, so the audit row follows it rather than sharing its batch.
 */
export async function revokeInvitation(
  db: PlatformDb,
  principal: Principal | undefined,
  tenantId: string,
  id: string,
  requestId: string | null,
  now = new Date(),
): Promise<Result<void>> {
  const revoked = await db
    .update(invitations)
    .set({ usedAt: now.toISOString() })
    .where(
      and(
        eq(invitations.id, id),
        eq(invitations.tenantId, tenantId),
        eq(invitations.kind, "invite"),
        isNull(invitations.usedAt),
      ),
    )
    .returning({ id: invitations.id });
  if (revoked.length === 0) return fail("not_found", "No pending invitation with that id");
  await auditInsert(db, principal, {
    action: "team.invite_revoke",
    tenantId,
    target: id,
    requestId,
  });
  return ok(undefined);
}

function linkUsed() {
  return fail("invitation_used", "This link has already been used. Log in, or ask for a new link.");
}

async function usableLink(
  db: PlatformDb,
  token: string,
  now: Date,
): Promise<Result<InvitationRow>> {
  const row = await db.query.invitations.findFirst({
    where: eq(invitations.tokenHash, await sha256Hex(token)),
  });
  if (!row)
    return fail("invitation_not_found", "This link is not valid. Ask for a new invitation.");
  if (row.usedAt) return linkUsed();
  if (row.expiresAt <= now.toISOString())
    return fail("invitation_expired", "This link has expired. Ask for a new one.");
  return ok(row);
}

export async function lookupInvitation(
  db: PlatformDb,
  token: string,
  now = new Date(),
): Promise<Result<InvitationPreview>> {
  const usable = await usableLink(db, token, now);
  if (!usable.ok) return usable;
  const row = usable.value;
  const user = await db.query.users.findFirst({ where: eq(users.email, row.email) });
  const tenant = row.tenantId
    ? await db.query.tenants.findFirst({ where: eq(tenants.id, row.tenantId) })
    : undefined;
  return ok({
    kind: row.kind,
    email: row.email,
    role: row.role,
    tenant: tenant ? { id: tenant.id, businessName: tenant.businessName } : null,
    expiresAt: row.expiresAt,
    existingAccount: row.kind === "invite" && user !== undefined && user.passwordHash !== null,
  });
}

export interface AcceptedLink {
  userId: string;
  kind: "invite" | "reset";
  tenantId: string | null;
  role: LinkRole | null;
}

function weakPassword() {
  const message = `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  return fail("invalid_request", `password: ${message}`, [{ path: "password", message }]);
}

/**
 * Accepts a link: sets the password (or checks the existing account's), adds the membership
 * and records it. The person accepting is not logged in yet; the account they now hold is the
 * audit row's actor.
 */
export async function acceptInvitation(
  db: PlatformDb,
  input: { token: string; password: string; displayName?: string; requestId: string | null },
  now = new Date(),
): Promise<Result<AcceptedLink>> {
  const usable = await usableLink(db, input.token, now);
  if (!usable.ok) return usable;
  const row = usable.value;
  const existing = await db.query.users.findFirst({ where: eq(users.email, row.email) });
  if (existing?.status === "disabled")
    return fail("account_disabled", "This account is disabled; ask an operator.");
  if (row.kind === "reset" && !existing)
    return fail("invitation_not_found", "The account for this link no longer exists.");

  // Joining with an existing account proves it is theirs with its password; otherwise a new one is set.
  const joinsWithExistingAccount =
    row.kind === "invite" && existing !== undefined && existing.passwordHash !== null;
  let passwordHash: string | null = null;
  if (joinsWithExistingAccount) {
    if (!(await verifyPassword(input.password, existing.passwordHash)))
      return fail(
        "wrong_password",
        "password: this email already has an account; enter that account's password",
        [{ path: "password", message: "is not this account's password" }],
      );
  } else {
    if (input.password.length < MIN_PASSWORD_LENGTH) return weakPassword();
    passwordHash = await hashPassword(input.password);
  }

  const allowed =
    row.kind === "invite"
      ? await invitationAllowed(
          db,
          { tenantId: row.tenantId, role: row.role, issuerId: row.createdBy },
          existing?.id ?? null,
        )
      : existing
        ? await resetLinkAllowed(
            db,
            { tenantId: row.tenantId, issuerId: row.createdBy },
            existing.id,
          )
        : ok(undefined);
  if (!allowed.ok) return allowed;

  const claimedAt = now.toISOString();
  const claimed = await db
    .update(invitations)
    .set({ usedAt: claimedAt })
    .where(and(eq(invitations.id, row.id), isNull(invitations.usedAt)))
    .returning({ id: invitations.id });
  if (claimed.length === 0) return linkUsed();

  try {
    const userId = existing?.id ?? newId("usr");
    const statements: BatchItem<"sqlite">[] = [];
    if (!existing) {
      statements.push(
        db.insert(users).values({
          id: userId,
          email: row.email,
          displayName: input.displayName ?? null,
          passwordHash,
          isPlatformAdmin: row.role === "platform_admin",
          status: "active",
          createdAt: claimedAt,
          updatedAt: claimedAt,
        }),
      );
    } else {
      statements.push(
        db
          .update(users)
          .set({
            ...(passwordHash ? { passwordHash } : {}),
            ...(input.displayName ? { displayName: input.displayName } : {}),
            ...(row.role === "platform_admin" ? { isPlatformAdmin: true } : {}),
            status: "active",
            updatedAt: claimedAt,
          })
          .where(eq(users.id, userId)),
      );
      // A new password ends every session that was opened with the old one.
      if (passwordHash) statements.push(db.delete(sessions).where(eq(sessions.userId, userId)));
    }
    if (row.kind === "invite" && row.tenantId && row.role && row.role !== "platform_admin") {
      statements.push(
        db
          .insert(memberships)
          .values({ userId, tenantId: row.tenantId, role: row.role, createdAt: claimedAt })
          // An invitation only adds a membership; an existing one keeps its role (link-policy.ts).
          .onConflictDoNothing(),
      );
    }
    await db.batch([
      db.insert(auditLog).values({
        actorType: "user",
        actorId: userId,
        tenantId: row.tenantId,
        action: row.kind === "invite" ? "invitation.accept" : "password.reset",
        target: userId,
        detail: row.role ? JSON.stringify({ role: row.role }) : null,
        requestId: input.requestId,
      }),
      ...statements,
    ]);
    return ok({ userId, kind: row.kind, tenantId: row.tenantId, role: row.role });
  } catch (error) {
    await db
      .update(invitations)
      .set({ usedAt: null })
      .where(and(eq(invitations.id, row.id), eq(invitations.usedAt, claimedAt)));
    throw error;
  }
}
