/** Industry templates: the operators' list (platform tier). */
import { requireOperator } from "../auth/platform-operator";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { listTemplates } from "./registry";
import { TemplateList } from "./template.schema";

const list = defineRoute({
  method: "get",
  path: "/templates",
  tag: "Platform templates",
  security: "session",
  summary: "Industry templates, every version",
  middleware: requireOperator("platform.tenants.read"),
  responses: { 200: jsonResponse(TemplateList, "Every template version, by name then version") },
});

export const platformTemplateRoutes = router().openapi(list, (c) =>
  c.json({ templates: listTemplates() }, 200),
);
