/**
 * The operators' console API at `/api/platform`: members, usage, audit and users (the tenants
 * themselves are workers/tenants/tenants.routes.ts). Platform admins only (matrix actions
 * `platform.*`).
 */
import { count, eq, inArray, or } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { InvitePlatformAdminRequest } from "../auth/auth.schema";
import { acceptLink, issueLink } from "../auth/invitations";
import { requirePlatformAdmin } from "../auth/middleware";
import type { Action } from "../auth/permissions";
import { can } from "../auth/permissions";
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import { memberships, users } from "../db/platform.schema";
import { containsText } from "../db/text-search";
import type { AppEnv } from "../http/app-env";
import { AppError, badRequest, conflict, notFound } from "../http/errors";
import { jsonBody, queryWith } from "../http/validation";
import { getTenant } from "../tenants/tenants";
import { AuditQuery, InviteMember, UsageQuery, UserListQuery } from "./admin.schema";
import { queryAuditLog } from "./audit-log";
import { registerPlatformAdminDocs } from "./platform-admin.docs";
import { tenantUsage, usageByTenant, usageRange } from "./usage";

registerPlatformAdminDocs();

function operator(c: Context<AppEnv>, action: Action) {
  const user = requirePlatformAdmin(c);
  // Operators hold every platform action today; the check keeps the matrix the one source of truth.
  if (!can("platform_admin", action))
    throw new AppError(403, "forbidden", `Not allowed: ${action}`);
  return user;
}

function rangeOrThrow(query: UsageQuery) {
  const range = usageRange(query.from, query.to);
  if (!range) throw badRequest("from: the range may cover at most 366 days");
  return range;
}

export const platformAdminRoutes = new Hono<AppEnv>()
  .post("/tenants/:id/invitations", async (c) => {
    const user = operator(c, "platform.users.manage");
    const body = await jsonBody(c, InviteMember);
    const tenant = await getTenant(c.env, c.req.param("id"));
    if (!tenant) throw notFound("No such tenant");
    if (tenant.status === "offboarded") throw conflict("This tenant has been offboarded");
    const db = platformDb(c.env.PLATFORM_DB);
    const issued = await issueLink(db, {
      kind: "invite",
      email: body.email,
      tenantId: tenant.id,
      role: body.role,
      createdBy: user.userId,
    });
    await audit(db, user, {
      action: "team.invite",
      tenantId: tenant.id,
      target: body.email,
      detail: { role: body.role, invitationId: issued.invitation.id },
      requestId: c.get("requestId"),
    });
    return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
  })
  .get("/tenants/:id/usage", async (c) => {
    operator(c, "platform.usage.read");
    const range = rangeOrThrow(queryWith(c, UsageQuery));
    const tenant = await getTenant(c.env, c.req.param("id"));
    if (!tenant) throw notFound("No such tenant");
    const usage = await tenantUsage(platformDb(c.env.PLATFORM_DB), tenant.id, range);
    return c.json({ tenantId: tenant.id, from: range.from, to: range.to, ...usage });
  })
  .get("/usage", async (c) => {
    operator(c, "platform.usage.read");
    const range = rangeOrThrow(queryWith(c, UsageQuery));
    return c.json({
      from: range.from,
      to: range.to,
      tenants: await usageByTenant(platformDb(c.env.PLATFORM_DB), range),
    });
  })
  .get("/audit", async (c) => {
    operator(c, "platform.audit.read");
    return c.json(await queryAuditLog(platformDb(c.env.PLATFORM_DB), queryWith(c, AuditQuery)));
  })
  .get("/users", async (c) => {
    operator(c, "platform.users.manage");
    const query = queryWith(c, UserListQuery);
    const db = platformDb(c.env.PLATFORM_DB);
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
    return c.json({
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
    });
  })
  .post("/users/:userId/reset-link", async (c) => {
    const admin = operator(c, "platform.users.manage");
    const db = platformDb(c.env.PLATFORM_DB);
    const user = await db.query.users.findFirst({ where: eq(users.id, c.req.param("userId")) });
    if (!user) throw notFound("No such user");
    const issued = await issueLink(db, {
      kind: "reset",
      email: user.email,
      tenantId: null,
      role: null,
      createdBy: admin.userId,
    });
    await audit(db, admin, {
      action: "user.reset_link",
      target: user.id,
      requestId: c.get("requestId"),
    });
    return c.json(
      { link: acceptLink(c.env, issued.token), expiresAt: issued.invitation.expiresAt },
      201,
    );
  })
  .post("/invitations", async (c) => {
    const admin = operator(c, "platform.users.manage");
    const body = await jsonBody(c, InvitePlatformAdminRequest);
    const db = platformDb(c.env.PLATFORM_DB);
    const issued = await issueLink(db, {
      kind: "invite",
      email: body.email,
      tenantId: null,
      role: "platform_admin",
      createdBy: admin.userId,
    });
    await audit(db, admin, {
      action: "platform_admin.invite",
      target: body.email,
      detail: { invitationId: issued.invitation.id },
      requestId: c.get("requestId"),
    });
    return c.json({ invitation: issued.invitation, link: acceptLink(c.env, issued.token) }, 201);
  });
