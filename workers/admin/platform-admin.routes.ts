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
import { requirePlatformAdmin } from "../auth/middleware";
import type { Action } from "../auth/permissions";
import { can } from "../auth/permissions";
import { platformDb } from "../db/handles";
import { phoneNumbers, tenants } from "../db/platform.schema";
import { containsText, phoneContains } from "../db/text-search";
import type { AppEnv } from "../http/app-env";
import { AppError, badRequest, notFound } from "../http/errors";
import { jsonBody, queryWith } from "../http/validation";
import { listTemplates } from "../templates/registry";
import { getTenant, updateTenant } from "../tenancy/tenants";
import type { TenantView } from "../tenancy/tenants";
import { toTenantRecord } from "../tenancy/tenant-record";
import { AssignTemplateRequest, OffboardRequest, TenantListQuery } from "./admin.schema";
import { registerPlatformAdminDocs } from "./platform-admin.docs";

registerPlatformAdminDocs();

function operator(c: Context<AppEnv>, action: Action) {
  const user = requirePlatformAdmin(c);
  // Operators hold every platform action today; the check keeps the matrix the one source of truth.
  if (!can("platform_admin", action))
    throw new AppError(403, "forbidden", `Not allowed: ${action}`);
  return user;
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
  });
