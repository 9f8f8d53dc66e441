/**
 * `GET /`: the tenant itself, at `/api/tenants/{tenantId}` (members and keys) and at
 * `/api/tenant` (API keys, whose key names the tenant).
 */
import type { z } from "zod";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import { TenantSelf } from "./tenant-self.schema";

/** The route under one prefix; `params` declares that prefix's path parameters. */
function tenantSelf(params: z.ZodObject) {
  return router().openapi(
    defineRoute({
      method: "get",
      path: "/",
      tag: "Tenant",
      security: "apiKeyOrSession",
      summary: "The tenant: name, status, template and agent settings",
      middleware: permit("tenant.read"),
      request: { params },
      responses: { 200: jsonResponse(TenantSelf, "The tenant") },
    }),
    (c) => {
      const { tenant } = authorized(c).ctx;
      const { id, slug, businessName, status, template, agentConfig } = tenant;
      return c.json({ tenant: { id, slug, businessName, status, template, agentConfig } }, 200);
    },
  );
}

/** For API keys at `/api/tenant`. */
export const apiKeyTenantSelfRoutes = tenantSelf(TenantPath.pick({}));
export const tenantSelfRoutes = tenantSelf(TenantPath);
