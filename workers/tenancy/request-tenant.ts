/** Turns the authenticated principal of a request into a TenantContext, or a clear 4xx. */
import type { Context } from "hono";
import { requirePrincipal } from "../auth/middleware";
import type { AppEnv } from "../http/app-env";
import { AppError, forbidden, notFound } from "../http/errors";
import type { TenantContext, TenantResolution } from "./tenant-context";
import { customerIdMatches, resolveTenant } from "./tenant-context";

export function resolutionError(resolution: Extract<TenantResolution, { ok: false }>): AppError {
  switch (resolution.reason) {
    case "forbidden":
      return forbidden("You are not a member of this tenant");
    case "unknown_tenant":
    case "unknown_number":
      return notFound("No such tenant");
    case "suspended":
      return new AppError(403, "tenant_suspended", "This tenant is suspended");
    case "offboarded":
      return new AppError(410, "tenant_offboarded", "This tenant has been offboarded");
    case "binding_missing":
    case "unmigrated":
      return new AppError(
        503,
        "tenant_unavailable",
        "This tenant's database is not ready; operators have been told",
      );
  }
}

/**
 * The tenant a request may act on. API keys carry their tenant; users name one in the path
 * (`tenantIdFromPath`), which their membership must cover. Every `customer_id` the client sent
 * must agree: each copy in the query string (read here, so no route can miss the query of a POST
 * or check only the first of repeated parameters) and the body's (`customerId`).
 */
export async function tenantForRequest(
  c: Context<AppEnv>,
  options: { tenantIdFromPath?: string; customerId?: string | null } = {},
): Promise<TenantContext> {
  const principal = requirePrincipal(c);
  let resolution: TenantResolution;
  if (principal.kind === "api_key") {
    if (options.tenantIdFromPath !== undefined && options.tenantIdFromPath !== principal.tenantId) {
      throw forbidden("This API key belongs to another tenant");
    }
    resolution = await resolveTenant(c.env, { kind: "api_key", principal });
  } else {
    const tenantId = options.tenantIdFromPath;
    if (tenantId === undefined) throw forbidden("Name the tenant in the path");
    resolution = await resolveTenant(c.env, { kind: "user", principal, tenantId });
  }
  if (!resolution.ok) throw resolutionError(resolution);
  const ctx = resolution.ctx;
  const customerIds = [...(c.req.queries("customer_id") ?? []), options.customerId];
  if (!customerIds.every((id) => customerIdMatches(ctx, id))) {
    throw forbidden("customer_id does not match the authenticated tenant");
  }
  return ctx;
}
