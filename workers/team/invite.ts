/**
 * Inviting someone: the one flow behind both tiers. An owner or admin invites into their tenant
 * (tenant tier); an operator invites into any tenant, or invites another operator (platform
 * tier). The link and its audit row are written in one batch (invitations.ts).
 */
import { eq } from "drizzle-orm";
import { mayGrant } from "../auth/link-policy";
import type { UserPrincipal } from "../auth/principal";
import type { PlatformDb } from "../db/handles";
import { tenants } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { IssuedLink } from "./invitations";
import { issueLink } from "./invitations";
import type { TeamActor } from "./team";
import { listMembers } from "./team";
import type { InviteMember } from "./team.schema";

function createdBy(actor: { principal: TeamActor["principal"] }): string | null {
  return actor.principal.kind === "user" ? actor.principal.userId : null;
}

/**
 * Invites `input.email` into `tenantId` with `input.role`. Refused when the tenant is gone, when
 * the actor may not grant the role, and (for the tenant's own managers) when the email already
 * is a member. An operator's invitation to a member is issued: accepting it then answers
 * `already_member` (link-policy.ts), which is how a member learns to ask for a role change.
 */
export async function inviteMember(
  db: PlatformDb,
  actor: TeamActor,
  tenantId: string,
  input: InviteMember,
): Promise<Result<IssuedLink>> {
  const tenant = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!tenant) return fail("not_found", "No such tenant");
  if (tenant.status === "offboarded") return fail("conflict", "This tenant has been offboarded");
  if (!mayGrant(actor.role, input.role))
    return fail("forbidden", "Only an owner can invite an owner");
  if (actor.role !== "platform_admin") {
    const members = await listMembers(db, tenantId);
    if (members.some((m) => m.email === input.email))
      return fail(
        "conflict",
        `email: ${input.email} is already a member; change their role instead`,
      );
  }
  return ok(
    await issueLink(
      db,
      {
        kind: "invite",
        email: input.email,
        tenantId,
        role: input.role,
        createdBy: createdBy(actor),
      },
      {
        principal: actor.principal,
        entry: (invitation) => ({
          action: "team.invite",
          tenantId,
          target: input.email,
          detail: { role: input.role, invitationId: invitation.id },
          requestId: actor.requestId,
        }),
      },
    ),
  );
}

/** An operator invites another operator (no tenant). */
export async function invitePlatformAdmin(
  db: PlatformDb,
  admin: UserPrincipal,
  email: string,
  requestId: string | null,
): Promise<IssuedLink> {
  return issueLink(
    db,
    { kind: "invite", email, tenantId: null, role: "platform_admin", createdBy: admin.userId },
    {
      principal: admin,
      entry: (invitation) => ({
        action: "platform_admin.invite",
        target: email,
        detail: { invitationId: invitation.id },
        requestId,
      }),
    },
  );
}
