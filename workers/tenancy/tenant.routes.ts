/**
 * What is left of the foundation's tenant-scoped router: forgetting a caller, at `/api/tenant/...`
 * (tenant API key) and at `/api/tenants/:tenantId/...` (a logged-in member, or a key of that
 * tenant). The other tenant routes live in their resources' folders.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../http/app-env";
import { forgetForTenantAdmin } from "../memory/memory.routes";
import type { TenantContext } from "./tenant-context";

/** The tenant the door (tenancy/tenant-access.ts) resolved for this request. */
export function tenantOf(c: Context<AppEnv>): TenantContext {
  const ctx = c.get("tenant");
  if (!ctx) throw new Error("the tenant door did not run for this route");
  return ctx;
}

const tenantScoped = new Hono<AppEnv>()
  // Erases everything of one caller in this tenant (owners/admins; API keys too). Receipt of counts.
  .post("/callers/:phone/forget", async (c) => c.json(await forgetForTenantAdmin(c, tenantOf(c))));

export const tenantRoutes = new Hono<AppEnv>()
  .route("/tenant", tenantScoped)
  .route("/tenants/:tenantId", tenantScoped);
