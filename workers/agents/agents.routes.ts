/** A tenant's agent settings: read, change (used by the next call), preview, and the form's lists. */
import { AgentConfigPatch } from "./agent-config.schema";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import {
  agentOptions,
  patchedConfig,
  previewAgent,
  sliderGroups,
  updateAgentSettings,
} from "./agent-settings";
import {
  AgentOptions,
  AgentPreview,
  AgentPreviewRequest,
  AgentSettings,
  SliderGroups,
} from "./agents.schema";

const TAG = "Agent settings";
const security = "apiKeyOrSession";

const r = router();

export const tenantAgentRoutes = r
  .openapi(
    defineRoute({
      method: "get",
      path: "/agent",
      tag: TAG,
      security,
      summary: "Agent settings",
      middleware: permit("agent.read"),
      request: { params: TenantPath },
      responses: { 200: jsonResponse(AgentSettings, "The saved settings") },
    }),
    (c) => c.json({ agentConfig: authorized(c).ctx.config }, 200),
  )
  .openapi(
    defineRoute({
      method: "patch",
      path: "/agent",
      tag: TAG,
      security,
      summary: "Change agent settings (used by the next call)",
      middleware: permit("agent.update"),
      request: { params: TenantPath, body: jsonBody(AgentConfigPatch) },
      responses: { 200: jsonResponse(AgentSettings, "The settings as saved") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const agentConfig = unwrap(
        await updateAgentSettings(
          c.env,
          c.get("principal"),
          ctx,
          c.req.valid("json"),
          c.get("requestId"),
        ),
      );
      return c.json({ agentConfig }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/agent/preview",
      tag: TAG,
      security,
      summary: "Preview greeting and instructions for saved or draft settings",
      middleware: permit("agent.read"),
      request: { params: TenantPath, body: jsonBody(AgentPreviewRequest) },
      responses: { 200: jsonResponse(AgentPreview, "What a call would get") },
    }),
    (c) => {
      const { ctx } = authorized(c);
      const body = c.req.valid("json");
      const config = unwrap(patchedConfig(ctx.config, body.agentConfig ?? {}));
      return c.json(previewAgent(ctx, config, body.callerFirstName ?? null), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/agent/sliders",
      tag: TAG,
      security,
      summary: "The 30 personality sliders, grouped, with current values",
      middleware: permit("agent.read"),
      request: { params: TenantPath },
      responses: { 200: jsonResponse(SliderGroups, "Slider groups") },
    }),
    (c) => c.json(sliderGroups(authorized(c).ctx.config), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/agent/options",
      tag: TAG,
      security,
      summary: "Voices, greeting placeholders and limits for the settings form",
      middleware: permit("agent.read"),
      request: { params: TenantPath },
      responses: { 200: jsonResponse(AgentOptions, "The form's choices") },
    }),
    (c) => c.json(agentOptions(), 200),
  );
