/**
 * The audit log, read: a tenant's own entries (`/api/tenants/:tenantId/audit`, after the tier's
 * access policy in workers/app.ts) and every entry for operators (`/api/platform/audit`).
 */
import { z } from "zod";
import { requirePlatformAdmin } from "../auth/middleware";
import { platformDb } from "../db/handles";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { authorized, permit } from "../tenancy/tenant-access";
import { AuditPage, AuditQuery, TenantAuditQuery } from "./audit.schema";
import { queryAuditLog } from "./audit-log";

const TAG = "Audit";

export const tenantAuditRoutes = router().openapi(
  defineRoute({
    method: "get",
    path: "/audit",
    tag: TAG,
    security: "session",
    summary: "The tenant's audit log",
    middleware: permit("audit.read"),
    request: { params: z.object({ tenantId: z.string() }), query: TenantAuditQuery },
    responses: { 200: jsonResponse(AuditPage, "Entries, newest first") },
  }),
  async (c) => {
    const { ctx } = authorized(c);
    const query = c.req.valid("query");
    return c.json(
      await queryAuditLog(platformDb(c.env.PLATFORM_DB), { ...query, tenantId: ctx.tenantId }),
      200,
    );
  },
);

const platformAudit = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
platformAudit.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformAuditRoutes = platformAudit.openapi(
  defineRoute({
    method: "get",
    path: "/audit",
    tag: TAG,
    security: "session",
    summary: "The audit log",
    request: { query: AuditQuery },
    responses: { 200: jsonResponse(AuditPage, "Entries, newest first") },
  }),
  async (c) =>
    c.json(await queryAuditLog(platformDb(c.env.PLATFORM_DB), c.req.valid("query")), 200),
);
