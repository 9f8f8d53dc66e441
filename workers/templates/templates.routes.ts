/** Industry templates: the operators' list (platform tier) and the one a tenant is pinned to. */
import { requireOperator } from "../auth/platform-operator";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { notFound } from "../http/errors";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import { getTemplate, listTemplates } from "./registry";
import { TemplateList, TenantTemplate } from "./template.schema";

export const platformTemplateRoutes = router().openapi(
  defineRoute({
    method: "get",
    path: "/templates",
    tag: "Platform templates",
    security: "session",
    summary: "Industry templates, every version",
    middleware: requireOperator("platform.tenants.read"),
    responses: { 200: jsonResponse(TemplateList, "Every template version, by name then version") },
  }),
  (c) => c.json({ templates: listTemplates() }, 200),
);

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
