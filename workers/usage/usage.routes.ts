/** Usage for operators (`/api/platform`): one tenant by day, and totals per tenant. */
import { z } from "zod";
import { requirePlatformAdmin } from "../auth/middleware";
import { platformDb } from "../db/handles";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { notFound } from "../http/errors";
import { getTenant } from "../tenants/tenants";
import { tenantUsage, usageByTenant, usageRange } from "./usage";
import { TenantUsage, UsageOverview, UsageQuery } from "./usage.schema";

const TAG = "Usage";

const usage = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
usage.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformUsageRoutes = usage
  .openapi(
    defineRoute({
      method: "get",
      path: "/tenants/{id}/usage",
      tag: TAG,
      security: "session",
      summary: "Usage of one tenant by day",
      request: { params: z.object({ id: z.string() }), query: UsageQuery },
      responses: { 200: jsonResponse(TenantUsage, "Totals and one entry per day") },
    }),
    async (c) => {
      const { from, to } = c.req.valid("query");
      const range = unwrap(usageRange(from, to));
      const tenant = await getTenant(c.env, c.req.valid("param").id);
      if (!tenant) throw notFound("No such tenant");
      const used = await tenantUsage(platformDb(c.env.PLATFORM_DB), tenant.id, range);
      return c.json({ tenantId: tenant.id, from: range.from, to: range.to, ...used }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/usage",
      tag: TAG,
      security: "session",
      summary: "Usage totals per tenant",
      request: { query: UsageQuery },
      responses: { 200: jsonResponse(UsageOverview, "Totals per tenant") },
    }),
    async (c) => {
      const { from, to } = c.req.valid("query");
      const range = unwrap(usageRange(from, to));
      return c.json(
        {
          from: range.from,
          to: range.to,
          tenants: await usageByTenant(platformDb(c.env.PLATFORM_DB), range),
        },
        200,
      );
    },
  );
