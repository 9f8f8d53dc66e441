/**
 * The door of the tenant tier (`/api/tenants/:tenantId/...` and, for API keys, `/api/tenant/...`),
 * kept apart from the routes so it can be reviewed alone:
 *
 * - the tenant comes from `tenantForRequest` (membership, or a key of that tenant): a tenant the
 *   principal is not a member of is 403 whether or not it exists, so ids do not leak;
 * - a platform admin is in the support view: reads work and each successful one is audit-logged
 *   as `support.view`; any write is refused with 403 support_read_only before a handler runs;
 * - each route then names its action from the permission matrix (`permit`), and its handler
 *   reads the tenant and role the check let through (`authorized`).
 */
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { audit } from "../audit/audit";
import { requirePrincipal } from "../auth/middleware";
import type { Action, ActorRole } from "../auth/permissions";
import { actorRole, can } from "../auth/permissions";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { AppError, forbidden } from "../http/errors";
import { log } from "../observability/log";
import { tenantForRequest } from "./request-tenant";
import type { TenantContext } from "./tenant-context";

/** The path parameter of `/api/tenants/{tenantId}/...`: every tenant-tier contract declares it. */
export const TenantPath = z.object({
  tenantId: z.string().meta({ description: "The tenant's id (`tnt_…`)" }),
});

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function supportReadOnly(): AppError {
  return new AppError(
    403,
    "support_read_only",
    "The support view is read-only; change a tenant through the platform tenant API",
  );
}

/** Mounted once per tenant-tier prefix in workers/app.ts, in front of every tenant router. */
export const tenantAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
  const ctx = await tenantForRequest(c, { tenantIdFromPath: c.req.param("tenantId") });
  c.set("tenant", ctx);
  const supportView = ctx.role === "platform_admin";
  if (supportView && !SAFE_METHODS.has(c.req.method)) {
    // Previews change nothing; they are POSTs only because they carry a draft.
    if (!c.req.path.endsWith("/agent/preview")) throw supportReadOnly();
  }
  await next();
  if (supportView && c.res.status < 400) {
    const principal = requirePrincipal(c);
    await audit(platformDb(c.env.PLATFORM_DB), principal, {
      action: "support.view",
      tenantId: ctx.tenantId,
      target: c.req.path.slice(c.req.path.indexOf(ctx.tenantId) + ctx.tenantId.length) || "/",
      requestId: c.get("requestId"),
    });
    log("info", "support.view", {
      requestId: c.get("requestId"),
      tenantId: ctx.tenantId,
      path: c.req.path,
    });
  }
};

export interface Authorized {
  ctx: TenantContext;
  role: ActorRole;
}

/** The tenant of this request, after checking the principal's role may perform `action` on it. */
export function authorize(c: Context<AppEnv>, action: Action): Authorized {
  const ctx = c.get("tenant");
  if (!ctx) throw new Error("tenantAccess did not run for this route");
  const role = actorRole(ctx.role, ctx.via);
  if (role === null) throw forbidden("You are not a member of this tenant");
  if (!can(role, action)) {
    if (role === "platform_admin") throw supportReadOnly();
    throw forbidden(`Your role (${role}) may not do this (${action})`);
  }
  return { ctx, role };
}

/**
 * A route's permission: `middleware: permit("leads.read")`. It runs before the request is
 * validated, so a caller who may not do this gets 403, never a 400 about their input.
 */
export function permit(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("tenantRole", authorize(c, action).role);
    await next();
  };
}

/** The tenant and role that the route's `permit` let through. */
export function authorized(c: Context<AppEnv>): Authorized {
  const ctx = c.get("tenant");
  const role = c.get("tenantRole");
  if (!ctx || !role) throw new Error("permit() did not run for this route");
  return { ctx, role };
}

/** Who to record as the actor of a domain change (lead events and the like). */
export function actorLabel(c: Context<AppEnv>): string {
  const principal = requirePrincipal(c);
  return principal.kind === "user" ? principal.email : `api_key:${principal.apiKeyId}`;
}
