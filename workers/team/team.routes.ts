/**
 * The team: members, invitations and reset links. Tenant tier (`/api/tenants/:tenantId/team…`,
 * after the tier's access policy in workers/app.ts) and the operators' invitations
 * (`/api/platform/…`). Both tiers invite through one `inviteMember`.
 */
import { z } from "zod";
import { requirePlatformAdmin, requirePrincipal } from "../auth/middleware";
import { platformDb } from "../db/handles";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { forbidden } from "../http/errors";
import { authorized, permit } from "../tenancy/tenant-access";
import { acceptLink, pendingInvitations, revokeInvitation } from "./invitations";
import { inviteMember, invitePlatformAdmin } from "./invite";
import { changeMemberRole, issueMemberResetLink, listMembers, removeMember } from "./team";
import {
  ChangeRole,
  InvitationIssued,
  InvitationParams,
  InvitePlatformAdminRequest,
  InviteMember,
  MemberAnswer,
  MemberParams,
  ResetLink,
  Team,
  TeamParams,
} from "./team.schema";

const TAG = "Team";
const Done = z.object({ ok: z.literal(true) });

const tenantTeam = router();

export const tenantTeamRoutes = tenantTeam
  .openapi(
    defineRoute({
      method: "get",
      path: "/team",
      tag: TAG,
      security: "session",
      summary: "Members and pending invitations",
      middleware: permit("team.read"),
      request: { params: TeamParams },
      responses: { 200: jsonResponse(Team, "The team") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const db = platformDb(c.env.PLATFORM_DB);
      return c.json(
        {
          members: await listMembers(db, ctx.tenantId),
          invitations: await pendingInvitations(db, ctx.tenantId),
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/team/invitations",
      tag: TAG,
      security: "session",
      summary: "Invite a member (returns the single-use link)",
      middleware: permit("team.manage"),
      request: { params: TeamParams, body: jsonBody(InviteMember) },
      responses: { 201: jsonResponse(InvitationIssued, "Invited") },
    }),
    async (c) => {
      const { ctx, role } = authorized(c);
      const actor = { principal: requirePrincipal(c), role, requestId: c.get("requestId") };
      const issued = unwrap(
        await inviteMember(platformDb(c.env.PLATFORM_DB), actor, ctx.tenantId, c.req.valid("json")),
      );
      return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/team/invitations/{id}",
      tag: TAG,
      security: "session",
      summary: "Withdraw a pending invitation",
      middleware: permit("team.manage"),
      request: { params: InvitationParams },
      responses: { 200: jsonResponse(Done, "Withdrawn") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      unwrap(
        await revokeInvitation(
          platformDb(c.env.PLATFORM_DB),
          c.get("principal"),
          ctx.tenantId,
          c.req.valid("param").id,
          c.get("requestId"),
        ),
      );
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/team/{userId}",
      tag: TAG,
      security: "session",
      summary: "Change a member's role",
      middleware: permit("team.manage"),
      request: { params: MemberParams, body: jsonBody(ChangeRole) },
      responses: { 200: jsonResponse(MemberAnswer, "The member with the new role") },
    }),
    async (c) => {
      const { ctx, role } = authorized(c);
      const actor = { principal: requirePrincipal(c), role, requestId: c.get("requestId") };
      const member = unwrap(
        await changeMemberRole(
          platformDb(c.env.PLATFORM_DB),
          ctx.tenantId,
          actor,
          c.req.valid("param").userId,
          c.req.valid("json").role,
        ),
      );
      return c.json({ member }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/team/{userId}",
      tag: TAG,
      security: "session",
      summary: "Remove a member (never the last owner)",
      middleware: permit("team.manage"),
      request: { params: MemberParams },
      responses: { 200: jsonResponse(Done, "Removed") },
    }),
    async (c) => {
      const { ctx, role } = authorized(c);
      const actor = { principal: requirePrincipal(c), role, requestId: c.get("requestId") };
      unwrap(
        await removeMember(
          platformDb(c.env.PLATFORM_DB),
          ctx.tenantId,
          actor,
          c.req.valid("param").userId,
        ),
      );
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/team/{userId}/reset-link",
      tag: TAG,
      security: "session",
      summary: "Issue a password reset link (owners)",
      middleware: permit("team.reset_link"),
      request: { params: MemberParams },
      responses: { 201: jsonResponse(ResetLink, "Link") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const principal = requirePrincipal(c);
      // Only owners pass permit("team.reset_link"), and an owner is always a logged-in user.
      if (principal.kind !== "user") throw forbidden("Only an owner can issue a reset link");
      const issued = unwrap(
        await issueMemberResetLink(
          platformDb(c.env.PLATFORM_DB),
          ctx.tenantId,
          principal,
          c.req.valid("param").userId,
          c.get("requestId"),
        ),
      );
      return c.json(
        { link: acceptLink(c.env, issued.token), expiresAt: issued.invitation.expiresAt },
        201,
      );
    },
  );

const platformTeam = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
platformTeam.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformTeamRoutes = platformTeam
  .openapi(
    defineRoute({
      method: "post",
      path: "/tenants/{id}/invitations",
      tag: TAG,
      security: "session",
      summary: "Invite a member into a tenant (e.g. its owner)",
      request: { params: z.object({ id: z.string() }), body: jsonBody(InviteMember) },
      responses: { 201: jsonResponse(InvitationIssued, "Invited (returns the link)") },
    }),
    async (c) => {
      const actor = {
        principal: requirePlatformAdmin(c),
        role: "platform_admin" as const,
        requestId: c.get("requestId"),
      };
      const issued = unwrap(
        await inviteMember(
          platformDb(c.env.PLATFORM_DB),
          actor,
          c.req.valid("param").id,
          c.req.valid("json"),
        ),
      );
      return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/invitations",
      tag: TAG,
      security: "session",
      summary: "Invite a platform admin",
      request: { body: jsonBody(InvitePlatformAdminRequest) },
      responses: { 201: jsonResponse(InvitationIssued, "Invited (returns the link)") },
    }),
    async (c) => {
      const issued = await invitePlatformAdmin(
        platformDb(c.env.PLATFORM_DB),
        requirePlatformAdmin(c),
        c.req.valid("json").email,
        c.get("requestId"),
      );
      return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
    },
  );
