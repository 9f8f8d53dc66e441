/**
 * Tenant-scoped API. The same routes answer at `/api/tenant/...` (tenant API key) and at
 * `/api/tenants/:tenantId/...` (a logged-in member, or a key of that tenant).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { findCallerByPhone, listCallers } from "../callers/callers";
import type { AppEnv } from "../http/app-env";
import { badRequest, notFound } from "../http/errors";
import { queryWith } from "../http/validation";
import { normalizePhone } from "../lib/phone";
import type { TenantContext } from "./tenant-context";

/** The tenant resolved for this request by the middleware below. */
export function tenantOf(c: Context<AppEnv>): TenantContext {
  const ctx = c.get("tenant");
  if (!ctx) throw new Error("tenant middleware did not run for this route");
  return ctx;
}

const ListCallersQuery = z
  .object({
    search: z.string().trim().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    customer_id: z.string().max(100).optional(),
  })
  .strict();

// The tenant door (tenant-access.ts, mounted in app.ts for both prefixes) resolved the tenant.
const tenantScoped = new Hono<AppEnv>()
  .get("/", (c) => {
    const { tenant } = tenantOf(c);
    return c.json({
      tenant: {
        id: tenant.id,
        slug: tenant.slug,
        businessName: tenant.businessName,
        status: tenant.status,
        template: tenant.template,
        agentConfig: tenant.agentConfig,
      },
    });
  })
  .get("/callers", async (c) => {
    const query = queryWith(c, ListCallersQuery);
    const callers = await listCallers(tenantOf(c), {
      search: query.search,
      limit: query.limit,
      offset: query.offset,
    });
    return c.json({ callers });
  })
  .get("/callers/:phone", async (c) => {
    const phone = normalizePhone(c.req.param("phone"));
    if (!phone) throw badRequest("phone: must be a phone number, e.g. +19495550100");
    const caller = await findCallerByPhone(tenantOf(c), phone);
    if (!caller) throw notFound("No caller with that number");
    return c.json({ caller });
  });

export const tenantRoutes = new Hono<AppEnv>()
  .route("/tenant", tenantScoped)
  .route("/tenants/:tenantId", tenantScoped);
