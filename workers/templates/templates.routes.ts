/** Industry templates: the one a tenant is pinned to (tenant tier). */
import { defineRoute, jsonResponse, router } from "../http/contract";
import { notFound } from "../http/errors";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import { getTemplate } from "./registry";
import { TenantTemplate } from "./template.schema";

export const tenantTemplateRoutes = router().openapi(
  defineRoute({
    method: "get",
    path: "/template",
    tag: "Templates",
    security: "apiKeyOrSession",
    summary: "The tenant's industry template (fields and groups for the profile form)",
    middleware: permit("callers.read"),
    request: { params: TenantPath },
    responses: { 200: jsonResponse(TenantTemplate, "The template the tenant is pinned to") },
  }),
  (c) => {
    const { ctx } = authorized(c);
    const template = getTemplate(ctx.template.name, ctx.template.version);
    if (!template) throw notFound("This tenant's template is not available");
    const { name, version, label, fields, groups } = template.definition;
    return c.json({ template: { id: template.id, name, version, label, fields, groups } }, 200);
  },
);
