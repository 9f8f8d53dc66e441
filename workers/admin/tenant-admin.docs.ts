/** OpenAPI entries for the tenant tier of the admin API, from the schemas the routes parse. */
import { z } from "zod";
import { AgentConfig, AgentConfigPatch } from "../agents/agent-config.schema";
import { MoveLead } from "../leads/leads.schema";
import { registerRoute, registerSchema } from "../openapi/registry";
import type { RouteDoc } from "../openapi/registry";
import {
  AgentPreviewRequest,
  CallListQuery,
  CallerProfilePatch,
  LeadListQuery,
} from "./admin.schema";

const TAG = "Tenant admin";
const base = "/api/tenants/{tenantId}";
const TenantParam = z.object({ tenantId: z.string() });

const AgentConfigAnswer = z.object({ agentConfig: AgentConfig });
const Preview = z.object({
  greeting: z.string(),
  greetingUnknownCaller: z.string(),
  instructions: z.string(),
});
let registered = false;

export function registerTenantAdminDocs(): void {
  if (registered) return;
  registered = true;
  registerSchema("AgentConfig", AgentConfig);
  const route = (
    method: RouteDoc["method"],
    path: string,
    summary: string,
    extra: Partial<RouteDoc> & { extraParams?: Record<string, z.ZodType> } = {},
  ) => {
    const { extraParams, ...rest } = extra;
    registerRoute({
      method,
      path: `${base}${path}`,
      summary,
      tag: TAG,
      security: "apiKeyOrSession",
      params: extraParams ? TenantParam.extend(extraParams) : TenantParam,
      responses: { 200: { description: "OK" } },
      ...rest,
    });
  };
  route("get", "/agent", "Agent settings", {
    responses: { 200: { description: "OK", schema: AgentConfigAnswer } },
  });
  route("patch", "/agent", "Change agent settings (used by the next call)", {
    body: AgentConfigPatch,
    responses: { 200: { description: "Saved", schema: AgentConfigAnswer } },
  });
  route("post", "/agent/preview", "Preview greeting and instructions for saved or draft settings", {
    body: AgentPreviewRequest,
    responses: { 200: { description: "Preview", schema: Preview } },
  });
  route("get", "/agent/sliders", "The 30 personality sliders, grouped, with current values");
  route("get", "/agent/options", "Voices, greeting placeholders and limits for the settings form");
  route("get", "/calls", "Call log (filter, paginate)", { query: CallListQuery });
  route("get", "/calls/{callSid}", "One call: transcript, summary, metrics", {
    extraParams: { callSid: z.string() },
  });
  route(
    "patch",
    "/callers/{phone}/profile",
    "Edit a caller's profile (validated by the template)",
    {
      extraParams: { phone: z.string() },
      body: CallerProfilePatch,
    },
  );
  route(
    "get",
    "/template",
    "The tenant's industry template (fields and groups for the profile form)",
  );
  route("get", "/leads", "Leads by stage", { query: LeadListQuery });
  route("get", "/leads/board", "Leads board grouped by stage");
  route("get", "/leads/{id}", "A lead with its events", { extraParams: { id: z.string() } });
  route("post", "/leads/{id}/stage", "Move a lead to another stage", {
    extraParams: { id: z.string() },
    body: MoveLead,
  });
}
