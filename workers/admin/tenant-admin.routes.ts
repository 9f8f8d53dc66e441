/**
 * The tenant tier of the admin API, mounted at `/api/tenants/:tenantId` behind the tenant door
 * (membership, support view, permission matrix: tenancy/tenant-access.ts).
 * Every write is audit-logged; see docs/ADMIN_API.md for the shapes.
 */
import { Hono } from "hono";
import { createApiKey } from "../auth/api-keys";
import { acceptLink, issueLink, pendingInvitations, revokeInvitation } from "../auth/invitations";
import { mayGrant } from "../auth/link-policy";
import { requirePrincipal } from "../auth/middleware";
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { AppError, forbidden, notFound } from "../http/errors";
import { jsonBody, parseWith, queryWith } from "../http/validation";
import { deleteTenantSecret, listTenantSecrets, setTenantSecret } from "../secrets/tenant-secrets";
import { authorize } from "../tenancy/tenant-access";
import {
  ChangeRole,
  CreateApiKeyRequest,
  InviteMember,
  SecretName,
  SetSecretRequest,
  TenantAuditQuery,
} from "./admin.schema";
import { listApiKeys, revokeApiKey } from "./api-keys";
import { queryAuditLog } from "./audit-log";
import { registerTenantAdminDocs } from "./tenant-admin.docs";
import { changeMemberRole, listMembers, removeMember, resettableMember } from "./team";

registerTenantAdminDocs();

function secretName(raw: string) {
  return parseWith(SecretName, raw, "secret name");
}

export const tenantAdminRoutes = new Hono<AppEnv>()

  // ---- team ----
  .get("/team", async (c) => {
    const { ctx } = authorize(c, "team.read");
    const db = platformDb(c.env.PLATFORM_DB);
    return c.json({
      members: await listMembers(db, ctx.tenantId),
      invitations: await pendingInvitations(db, ctx.tenantId),
    });
  })
  .post("/team/invitations", async (c) => {
    const { ctx, role } = authorize(c, "team.manage");
    const body = await jsonBody(c, InviteMember);
    if (!mayGrant(role, body.role)) throw forbidden("Only an owner can invite an owner");
    const db = platformDb(c.env.PLATFORM_DB);
    const principal = requirePrincipal(c);
    const members = await listMembers(db, ctx.tenantId);
    if (members.some((m) => m.email === body.email))
      throw new AppError(
        409,
        "conflict",
        `email: ${body.email} is already a member; change their role instead`,
      );
    const issued = await issueLink(db, {
      kind: "invite",
      email: body.email,
      tenantId: ctx.tenantId,
      role: body.role,
      createdBy: principal.kind === "user" ? principal.userId : null,
    });
    await audit(db, principal, {
      action: "team.invite",
      tenantId: ctx.tenantId,
      target: body.email,
      detail: { role: body.role, invitationId: issued.invitation.id },
      requestId: c.get("requestId"),
    });
    return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
  })
  .delete("/team/invitations/:id", async (c) => {
    const { ctx } = authorize(c, "team.manage");
    if (!(await revokeInvitation(c.env, ctx.tenantId, c.req.param("id"))))
      throw notFound("No pending invitation with that id");
    await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
      action: "team.invite_revoke",
      tenantId: ctx.tenantId,
      target: c.req.param("id"),
      requestId: c.get("requestId"),
    });
    return c.json({ ok: true });
  })
  .patch("/team/:userId", async (c) => {
    const { ctx, role } = authorize(c, "team.manage");
    const body = await jsonBody(c, ChangeRole);
    const db = platformDb(c.env.PLATFORM_DB);
    const result = await changeMemberRole(
      c.env,
      db,
      ctx.tenantId,
      role,
      c.req.param("userId"),
      body.role,
    );
    if (result instanceof AppError) throw result;
    if (result.from !== body.role) {
      await audit(db, c.get("principal"), {
        action: "team.role_change",
        tenantId: ctx.tenantId,
        target: result.member.userId,
        detail: { from: result.from, to: body.role },
        requestId: c.get("requestId"),
      });
    }
    return c.json({ member: result.member });
  })
  .delete("/team/:userId", async (c) => {
    const { ctx, role } = authorize(c, "team.manage");
    const db = platformDb(c.env.PLATFORM_DB);
    const removed = await removeMember(c.env, db, ctx.tenantId, role, c.req.param("userId"));
    if (removed instanceof AppError) throw removed;
    await audit(db, c.get("principal"), {
      action: "team.remove",
      tenantId: ctx.tenantId,
      target: removed.userId,
      detail: { role: removed.role },
      requestId: c.get("requestId"),
    });
    return c.json({ ok: true });
  })
  .post("/team/:userId/reset-link", async (c) => {
    const { ctx } = authorize(c, "team.reset_link");
    const db = platformDb(c.env.PLATFORM_DB);
    const principal = requirePrincipal(c);
    // Only owners pass authorize here, and an owner is always a logged-in user.
    if (principal.kind !== "user") throw forbidden("Only an owner can issue a reset link");
    const member = await resettableMember(
      db,
      ctx.tenantId,
      principal.userId,
      c.req.param("userId"),
    );
    if (member instanceof AppError) throw member;
    const issued = await issueLink(db, {
      kind: "reset",
      email: member.email,
      tenantId: ctx.tenantId,
      role: null,
      createdBy: principal.userId,
    });
    await audit(db, principal, {
      action: "team.reset_link",
      tenantId: ctx.tenantId,
      target: member.userId,
      requestId: c.get("requestId"),
    });
    return c.json(
      { link: acceptLink(c.env, issued.token), expiresAt: issued.invitation.expiresAt },
      201,
    );
  })

  // ---- API keys ----
  .get("/api-keys", async (c) => {
    const { ctx } = authorize(c, "api_keys.read");
    return c.json({ apiKeys: await listApiKeys(platformDb(c.env.PLATFORM_DB), ctx.tenantId) });
  })
  .post("/api-keys", async (c) => {
    const { ctx } = authorize(c, "api_keys.manage");
    const body = await jsonBody(c, CreateApiKeyRequest);
    const db = platformDb(c.env.PLATFORM_DB);
    const principal = requirePrincipal(c);
    const created = await createApiKey(
      db,
      ctx.tenantId,
      body.name,
      principal.kind === "user" ? principal.userId : null,
    );
    await audit(db, principal, {
      action: "api_key.create",
      tenantId: ctx.tenantId,
      target: created.prefix,
      detail: { name: body.name },
      requestId: c.get("requestId"),
    });
    return c.json({ apiKey: created }, 201);
  })
  .delete("/api-keys/:id", async (c) => {
    const { ctx } = authorize(c, "api_keys.manage");
    const db = platformDb(c.env.PLATFORM_DB);
    const revoked = await revokeApiKey(db, ctx.tenantId, c.req.param("id"));
    if (!revoked) throw notFound("No such API key");
    await audit(db, c.get("principal"), {
      action: "api_key.revoke",
      tenantId: ctx.tenantId,
      target: revoked.prefix,
      requestId: c.get("requestId"),
    });
    return c.json({ apiKey: revoked });
  })

  // ---- bring-your-own keys (write-only) ----
  .get("/secrets", async (c) => {
    const { ctx } = authorize(c, "secrets.read");
    return c.json({
      secrets: await listTenantSecrets(c.env, ctx.tenantId),
      names: SecretName.options,
    });
  })
  .put("/secrets/:name", async (c) => {
    const { ctx } = authorize(c, "secrets.manage");
    const name = secretName(c.req.param("name"));
    const body = await jsonBody(c, SetSecretRequest);
    await setTenantSecret(c.env, ctx.tenantId, name, body.value);
    await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
      action: "secret.set",
      tenantId: ctx.tenantId,
      target: name,
      requestId: c.get("requestId"),
    });
    const set = (await listTenantSecrets(c.env, ctx.tenantId)).find((s) => s.name === name);
    return c.json({ secret: set ?? { name, updatedAt: new Date().toISOString() } });
  })
  .delete("/secrets/:name", async (c) => {
    const { ctx } = authorize(c, "secrets.manage");
    const name = secretName(c.req.param("name"));
    await deleteTenantSecret(c.env, ctx.tenantId, name);
    await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
      action: "secret.delete",
      tenantId: ctx.tenantId,
      target: name,
      requestId: c.get("requestId"),
    });
    return c.json({ ok: true });
  })

  // ---- the tenant's audit log ----
  .get("/audit", async (c) => {
    const { ctx } = authorize(c, "audit.read");
    const query = queryWith(c, TenantAuditQuery);
    return c.json(
      await queryAuditLog(platformDb(c.env.PLATFORM_DB), { ...query, tenantId: ctx.tenantId }),
    );
  });
