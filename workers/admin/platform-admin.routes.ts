/**
 * The operators' console API, mounted at `/api/platform` *before* the foundation's platform
 * routes (workers/tenancy/platform.routes.ts): `GET /tenants` here answers with search, status
 * filter and pagination (a superset of the foundation's list); everything else is new.
 * Platform admins only (matrix actions `platform.*`).
 */
import { and, count, eq, inArray, or } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import type { Context } from "hono";
import { Hono } from "hono";
import { InvitePlatformAdminRequest } from "../auth/auth.schema";
import { acceptLink, issueLink } from "../auth/invitations";
import { requirePlatformAdmin } from "../auth/middleware";
import type { Action } from "../auth/permissions";
import { can } from "../auth/permissions";
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import { memberships, phoneNumbers, tenants, users } from "../db/platform.schema";
import { containsText, phoneContains } from "../db/text-search";
import type { AppEnv } from "../http/app-env";
import { AppError, badRequest, conflict, notFound } from "../http/errors";
import { jsonBody, queryWith } from "../http/validation";
import { listTemplates } from "../templates/registry";
import { getTenant, updateTenant } from "../tenancy/tenants";
import type { TenantView } from "../tenancy/tenants";
import { toTenantRecord } from "../tenancy/tenant-record";
import {
  AssignTemplateRequest,
  AuditQuery,
  InviteMember,
  OffboardRequest,
  TenantListQuery,
  UsageQuery,
  UserListQuery,
} from "./admin.schema";
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

async function setStatus(
  c: Context<AppEnv>,
  status: "active" | "suspended" | "offboarded",
): Promise<TenantView> {
  const result = await updateTenant(
    c.env,
    c.get("principal"),
    c.req.param("id") ?? "",
    { status },
    c.get("requestId"),
  );
  if (result instanceof AppError) throw result;
  return result;
}

export const platformAdminRoutes = new Hono<AppEnv>()
  .get("/tenants", async (c) => {
    operator(c, "platform.tenants.read");
    const query = queryWith(c, TenantListQuery);
    const db = platformDb(c.env.PLATFORM_DB);
    const where: SQL[] = [];
    if (query.status) where.push(eq(tenants.status, query.status));
    if (query.search) {
      const term = query.search;
      const byNumber = db
        .select({ id: phoneNumbers.tenantId })
        .from(phoneNumbers)
        .where(or(containsText(phoneNumbers.e164, term), phoneContains(phoneNumbers.e164, term)));
      const match = or(
        containsText(tenants.slug, term),
        containsText(tenants.businessName, term),
        eq(tenants.id, query.search),
        inArray(tenants.id, byNumber),
      );
      if (match) where.push(match);
    }
    const condition = where.length > 0 ? and(...where) : undefined;
    const [rows, totals] = await Promise.all([
      db
        .select()
        .from(tenants)
        .where(condition)
        .orderBy(tenants.businessName, tenants.id)
        .limit(query.limit)
        .offset(query.offset),
      db.select({ n: count() }).from(tenants).where(condition),
    ]);
    const numbers =
      rows.length > 0
        ? await db
            .select()
            .from(phoneNumbers)
            .where(
              inArray(
                phoneNumbers.tenantId,
                rows.map((r) => r.id),
              ),
            )
        : [];
    return c.json({
      tenants: rows.map((row) => ({
        ...toTenantRecord(row),
        phoneNumbers: numbers.filter((n) => n.tenantId === row.id).map((n) => n.e164),
      })),
      total: totals[0]?.n ?? 0,
    });
  })
  .post("/tenants/:id/suspend", async (c) => {
    operator(c, "platform.tenants.manage");
    return c.json({ tenant: await setStatus(c, "suspended") });
  })
  .post("/tenants/:id/resume", async (c) => {
    operator(c, "platform.tenants.manage");
    return c.json({ tenant: await setStatus(c, "active") });
  })
  .post("/tenants/:id/offboard", async (c) => {
    operator(c, "platform.tenants.manage");
    const body = await jsonBody(c, OffboardRequest);
    const tenant = await getTenant(c.env, c.req.param("id"));
    if (!tenant) throw notFound("No such tenant");
    if (body.confirmSlug !== tenant.slug)
      throw badRequest("confirmSlug: type the tenant's slug exactly to confirm offboarding", [
        { path: "confirmSlug", message: "does not match the tenant's slug" },
      ]);
    return c.json({ tenant: await setStatus(c, "offboarded") });
  })
  .put("/tenants/:id/template", async (c) => {
    operator(c, "platform.tenants.manage");
    const body = await jsonBody(c, AssignTemplateRequest);
    const result = await updateTenant(
      c.env,
      c.get("principal"),
      c.req.param("id"),
      { template: body.template },
      c.get("requestId"),
    );
    if (result instanceof AppError) throw result;
    return c.json({ tenant: result });
  })
  .get("/templates", (c) => {
    operator(c, "platform.tenants.read");
    return c.json({ templates: listTemplates() });
  })
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
