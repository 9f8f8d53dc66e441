/**
 * Invitations and admin-issued password resets: single-use, expiring links. The token is
 * 32 random bytes shown once (inside the link); the table keeps only its SHA-256.
 *
 * Every rule that allowed the link is checked again when it is used (link-policy.ts), and the
 * claim below only succeeds while the link is unused: a change to the account after that check
 * revokes the link (a trigger sets used_at), so the claim then fails.
 *
 * Accepting is claim-then-apply: the row is marked used by a conditional UPDATE first, so two
 * concurrent accepts of one link cannot both succeed; if applying then fails, the claim is undone.
 * Expected failures are returned as AppError values.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { invitations, memberships, sessions, tenants, users } from "../db/platform.schema";
import type { Env } from "../env";
import { AppError } from "../http/errors";
import { newId, randomBytes, sha256Hex, toBase64Url } from "../lib/crypto";
import { MIN_PASSWORD_LENGTH } from "./auth.schema";
import { invitationAllowed, resetLinkAllowed } from "./link-policy";
import { hashPassword, verifyPassword } from "./passwords";

export const INVITE_TTL_SECONDS = 7 * 24 * 60 * 60;
export const RESET_TTL_SECONDS = 24 * 60 * 60;

export type InvitationRow = typeof invitations.$inferSelect;
export type LinkRole = NonNullable<InvitationRow["role"]>;

export interface InvitationView {
  id: string;
  email: string;
  role: LinkRole | null;
  tenantId: string | null;
  expiresAt: string;
  createdAt: string;
}

export function toInvitationView(row: InvitationRow): InvitationView {
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
  invitation: InvitationView;
  token: string;
}

export async function issueLink(
  db: PlatformDb,
  input: {
    kind: "invite" | "reset";
    email: string;
    tenantId: string | null;
    role: LinkRole | null;
    createdBy: string | null;
  },
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
  if (input.kind === "reset") {
    // A new reset link replaces any earlier unused one for the same account.
    await db
      .update(invitations)
      .set({ usedAt: now.toISOString() })
      .where(
        and(
          eq(invitations.kind, "reset"),
          eq(invitations.email, input.email),
          isNull(invitations.usedAt),
        ),
      );
  }
  await db.insert(invitations).values(row);
  return { invitation: toInvitationView(row), token };
}

/** Pending (unused, unexpired) invitations into one tenant. */
export async function pendingInvitations(
  db: PlatformDb,
  tenantId: string,
  now = new Date(),
): Promise<InvitationView[]> {
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

/** Withdraws a pending invitation of a tenant; false when there is none with that id. */
export async function revokeInvitation(
  env: Env,
  tenantId: string,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const result = await env.PLATFORM_DB.prepare(
    "UPDATE invitations SET used_at = ? WHERE id = ? AND tenant_id = ? AND kind = 'invite' AND used_at IS NULL",
  )
    .bind(now.toISOString(), id, tenantId)
    .run();
  return result.meta.changes > 0;
}

async function usableLink(
  db: PlatformDb,
  token: string,
  now: Date,
): Promise<InvitationRow | AppError> {
  const row = await db.query.invitations.findFirst({
    where: eq(invitations.tokenHash, await sha256Hex(token)),
  });
  if (!row)
    return new AppError(
      404,
      "invitation_not_found",
      "This link is not valid. Ask for a new invitation.",
    );
  if (row.usedAt)
    return new AppError(
      410,
      "invitation_used",
      "This link has already been used. Log in, or ask for a new link.",
    );
  if (row.expiresAt <= now.toISOString())
    return new AppError(410, "invitation_expired", "This link has expired. Ask for a new one.");
  return row;
}

export interface InvitationPreview {
  kind: "invite" | "reset";
  email: string;
  role: LinkRole | null;
  tenant: { id: string; businessName: string } | null;
  expiresAt: string;
  existingAccount: boolean;
}

export async function lookupInvitation(
  db: PlatformDb,
  token: string,
  now = new Date(),
): Promise<InvitationPreview | AppError> {
  const row = await usableLink(db, token, now);
  if (row instanceof AppError) return row;
  const user = await db.query.users.findFirst({ where: eq(users.email, row.email) });
  const tenant = row.tenantId
    ? await db.query.tenants.findFirst({ where: eq(tenants.id, row.tenantId) })
    : undefined;
  return {
    kind: row.kind,
    email: row.email,
    role: row.role,
    tenant: tenant ? { id: tenant.id, businessName: tenant.businessName } : null,
    expiresAt: row.expiresAt,
    existingAccount: row.kind === "invite" && user !== undefined && user.passwordHash !== null,
  };
}

export interface AcceptedLink {
  userId: string;
  kind: "invite" | "reset";
  tenantId: string | null;
  role: LinkRole | null;
}

function weakPassword(): AppError {
  return new AppError(
    400,
    "invalid_request",
    `password: must be at least ${MIN_PASSWORD_LENGTH} characters`,
    [{ path: "password", message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }],
  );
}

export async function acceptInvitation(
  env: Env,
  input: { token: string; password: string; displayName?: string },
  now = new Date(),
): Promise<AcceptedLink | AppError> {
  const db = platformDb(env.PLATFORM_DB);
  const row = await usableLink(db, input.token, now);
  if (row instanceof AppError) return row;
  const existing = await db.query.users.findFirst({ where: eq(users.email, row.email) });
  if (existing?.status === "disabled")
    return new AppError(403, "account_disabled", "This account is disabled; ask an operator.");
  if (row.kind === "reset" && !existing)
    return new AppError(404, "invitation_not_found", "The account for this link no longer exists.");

  // Joining with an existing account proves it is theirs with its password; otherwise a new one is set.
  const joinsWithExistingAccount =
    row.kind === "invite" && existing !== undefined && existing.passwordHash !== null;
  let passwordHash: string | null = null;
  if (joinsWithExistingAccount) {
    if (!(await verifyPassword(input.password, existing.passwordHash)))
      return new AppError(
        400,
        "wrong_password",
        "password: this email already has an account; enter that account's password",
        [{ path: "password", message: "is not this account's password" }],
      );
  } else {
    if (input.password.length < MIN_PASSWORD_LENGTH) return weakPassword();
    passwordHash = await hashPassword(input.password);
  }

  const refused =
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
        : null;
  if (refused) return refused;

  const claimedAt = now.toISOString();
  const claim = await env.PLATFORM_DB.prepare(
    "UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL",
  )
    .bind(claimedAt, row.id)
    .run();
  if (claim.meta.changes === 0)
    return new AppError(
      410,
      "invitation_used",
      "This link has already been used. Log in, or ask for a new link.",
    );

  try {
    const userId = existing?.id ?? newId("usr");
    const statements = [];
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
    const [first, ...rest] = statements;
    if (first) await db.batch([first, ...rest]);
    return { userId, kind: row.kind, tenantId: row.tenantId, role: row.role };
  } catch (error) {
    await env.PLATFORM_DB.prepare(
      "UPDATE invitations SET used_at = NULL WHERE id = ? AND used_at = ?",
    )
      .bind(row.id, claimedAt)
      .run();
    throw error;
  }
}
