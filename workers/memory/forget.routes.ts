/**
 * `POST /callers/{phone}/forget`, the admin app's way to forget a caller. Mounted at
 * `/api/tenant` (a tenant API key) and `/api/tenants/:tenantId` (a member of that tenant, or a
 * key of it): owners and admins only. The memory API's own forget routes are in memory.routes.ts.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { tenantForRequest } from "../tenancy/request-tenant";
import { forgetCallerOnRecord, mayForgetCallers } from "./forget";
import { ForgetResponse, PhoneParam } from "./memory-api.schema";
import { phoneFromPath } from "./phone-path";

/** The tenant of the path (or of the key), and the member's right to forget, before anything else. */
const forgetter: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ctx = await tenantForRequest(c, { tenantIdFromPath: c.req.param("tenantId") });
  unwrap(mayForgetCallers(ctx));
  c.set("tenant", ctx);
  await next();
};

export const forgetRoutes = router().openapi(
  defineRoute({
    method: "post",
    path: "/callers/{phone}/forget",
    tag: "Memory",
    security: "apiKeyOrSession",
    summary: "Forget a caller (tenant admin: owner or admin)",
    middleware: forgetter,
    request: { params: PhoneParam },
    responses: { 200: jsonResponse(ForgetResponse, "Receipt of what was erased") },
  }),
  async (c) => {
    const ctx = c.get("tenant");
    if (!ctx) throw new Error("forgetter did not run for this route");
    const phone = phoneFromPath(c.req.valid("param").phone);
    const receipt = unwrap(
      await forgetCallerOnRecord(c.env, ctx, {
        phone,
        principal: c.get("principal"),
        requestId: c.get("requestId"),
      }),
    );
    return c.json({ customer_id: ctx.tenantId, user_id: phone, receipt }, 200);
  },
);
