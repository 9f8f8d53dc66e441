/** OpenAPI entries for the platform tier. */
import { z } from "zod";
import { registerRoute } from "../openapi/registry";
import type { RouteDoc } from "../openapi/registry";
import { CreateTenant, UpdateTenant } from "../tenancy/tenants.schema";
import { AssignTemplateRequest, OffboardRequest, TenantListQuery } from "./admin.schema";

const Id = z.object({ id: z.string() });

let registered = false;

export function registerPlatformAdminDocs(): void {
  if (registered) return;
  registered = true;
  const route = (
    method: RouteDoc["method"],
    path: string,
    summary: string,
    extra: Partial<RouteDoc> = {},
  ) =>
    registerRoute({
      method,
      path,
      summary,
      tag: "Platform admin",
      security: "session",
      responses: { 200: { description: "OK" } },
      ...extra,
    });

  route("get", "/api/platform/tenants", "Tenants (search, status filter, paginate)", {
    query: TenantListQuery,
  });
  route("post", "/api/platform/tenants", "Create a tenant", {
    body: CreateTenant,
    responses: { 201: { description: "Created" } },
  });
  route("get", "/api/platform/tenants/{id}", "One tenant", { params: Id });
  route("patch", "/api/platform/tenants/{id}", "Change a tenant", {
    params: Id,
    body: UpdateTenant,
  });
  route("post", "/api/platform/tenants/{id}/suspend", "Suspend a tenant", { params: Id });
  route("post", "/api/platform/tenants/{id}/resume", "Resume a suspended tenant", { params: Id });
  route("post", "/api/platform/tenants/{id}/offboard", "Offboard a tenant (irreversible)", {
    params: Id,
    body: OffboardRequest,
  });
  route("put", "/api/platform/tenants/{id}/template", "Assign an industry template", {
    params: Id,
    body: AssignTemplateRequest,
  });
  route("get", "/api/platform/templates", "Industry templates");
}
