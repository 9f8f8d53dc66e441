/**
 * The tenant tier of the admin API, mounted at `/api/tenants/:tenantId` beside the foundation's
 * tenant routes. Access policy (membership, support view, permission matrix): access.ts.
 * Every write is audit-logged; see docs/ADMIN_API.md for the shapes.
 */
import { Hono } from "hono";
import { AgentConfigPatch } from "../agents/agent-config.schema";
import { audit } from "../audit/audit";
import { findCallerByPhone, templateForCaller, updateCallerProfile } from "../callers/callers";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { AppError, badRequest, notFound } from "../http/errors";
import { jsonBody, queryWith } from "../http/validation";
import { LEAD_STAGES, MoveLead } from "../leads/leads.schema";
import { getLead, listLeads, moveLead } from "../leads/leads";
import { normalizePhone } from "../lib/phone";
import { applyProfilePatch } from "../templates/profile";
import { getTemplate } from "../templates/registry";
import { actorLabel, authorize } from "./access";
import {
  AgentPreviewRequest,
  CallListQuery,
  CallerProfilePatch,
  LeadListQuery,
} from "./admin.schema";
import {
  agentOptions,
  patchedConfig,
  previewAgent,
  sliderGroups,
  updateAgentSettings,
} from "./agent-settings";
import { getCallDetail, listCalls } from "./call-log";
import { registerTenantAdminDocs } from "./tenant-admin.docs";
import { count, eq } from "drizzle-orm";
import { leads } from "../db/tenant.schema";

registerTenantAdminDocs();

const BOARD_LIMIT_PER_STAGE = 100;

function phoneParam(raw: string): string {
  const phone = normalizePhone(decodeURIComponent(raw));
  if (!phone) throw badRequest("phone: must be a phone number, e.g. +19495550100");
  return phone;
}

// The tier's access policy (tenantAccess) runs for every tenant-tier router: workers/app.ts.
export const tenantAdminRoutes = new Hono<AppEnv>()

  // ---- agent settings ----
  .get("/agent", (c) => {
    const { ctx } = authorize(c, "agent.read");
    return c.json({ agentConfig: ctx.config });
  })
  .patch("/agent", async (c) => {
    const { ctx } = authorize(c, "agent.update");
    const patch = await jsonBody(c, AgentConfigPatch);
    const result = await updateAgentSettings(
      c.env,
      c.get("principal"),
      ctx,
      patch,
      c.get("requestId"),
    );
    if (result instanceof AppError) throw result;
    return c.json({ agentConfig: result });
  })
  .post("/agent/preview", async (c) => {
    const { ctx } = authorize(c, "agent.read");
    const body = await jsonBody(c, AgentPreviewRequest);
    const config = patchedConfig(ctx.config, body.agentConfig ?? {});
    if (config instanceof AppError) throw config;
    return c.json(previewAgent(ctx, config, body.callerFirstName ?? null));
  })
  .get("/agent/sliders", (c) => {
    const { ctx } = authorize(c, "agent.read");
    return c.json(sliderGroups(ctx.config));
  })
  .get("/agent/options", (c) => {
    authorize(c, "agent.read");
    return c.json(agentOptions());
  })

  // ---- calls ----
  .get("/calls", async (c) => {
    const { ctx } = authorize(c, "calls.read");
    return c.json(await listCalls(ctx, queryWith(c, CallListQuery)));
  })
  .get("/calls/:callSid", async (c) => {
    const { ctx } = authorize(c, "calls.read");
    const detail = await getCallDetail(ctx, c.req.param("callSid"));
    if (!detail) throw notFound("No such call");
    return c.json(detail);
  })

  // ---- callers and their template ----
  .patch("/callers/:phone/profile", async (c) => {
    const { ctx } = authorize(c, "callers.update");
    const phone = phoneParam(c.req.param("phone"));
    const body = await jsonBody(c, CallerProfilePatch);
    const caller = await findCallerByPhone(ctx, phone);
    if (!caller) throw notFound("No caller with that number");
    // A form saves all or nothing: check the whole patch first, with the same validator the store uses.
    const check = applyProfilePatch(templateForCaller(ctx, caller), caller.profile, body.profile);
    if (check.rejected.length > 0) {
      const issues = check.rejected.map((i) => ({ path: i.path || "profile", message: i.message }));
      throw badRequest(
        `Invalid profile: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
        issues,
      );
    }
    const result = await updateCallerProfile(ctx, phone, body.profile);
    await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
      action: "caller.profile_update",
      tenantId: ctx.tenantId,
      target: caller.id,
      detail: { fields: result.applied },
      requestId: c.get("requestId"),
    });
    return c.json({ caller: result.caller, applied: result.applied });
  })
  .get("/template", (c) => {
    const { ctx } = authorize(c, "callers.read");
    const template = getTemplate(ctx.template.name, ctx.template.version);
    if (!template) throw notFound("This tenant's template is not available");
    const { name, version, label, fields, groups } = template.definition;
    return c.json({ template: { id: template.id, name, version, label, fields, groups } });
  })

  // ---- leads ----
  .get("/leads", async (c) => {
    const { ctx } = authorize(c, "leads.read");
    const query = queryWith(c, LeadListQuery);
    const [rows, totals] = await Promise.all([
      listLeads(ctx, query),
      ctx.db
        .select({ n: count() })
        .from(leads)
        .where(query.stage ? eq(leads.stage, query.stage) : undefined),
    ]);
    return c.json({ leads: rows, total: totals[0]?.n ?? 0 });
  })
  .get("/leads/board", async (c) => {
    const { ctx } = authorize(c, "leads.read");
    const totals = await ctx.db
      .select({ stage: leads.stage, n: count() })
      .from(leads)
      .groupBy(leads.stage);
    const stages = await Promise.all(
      LEAD_STAGES.map(async (stage) => ({
        stage,
        leads: await listLeads(ctx, { stage, limit: BOARD_LIMIT_PER_STAGE, offset: 0 }),
        total: totals.find((t) => t.stage === stage)?.n ?? 0,
      })),
    );
    return c.json({ stages });
  })
  .get("/leads/:id", async (c) => {
    const { ctx } = authorize(c, "leads.read");
    const found = await getLead(ctx, c.req.param("id"));
    if (!found) throw notFound("No such lead");
    return c.json(found);
  })
  .post("/leads/:id/stage", async (c) => {
    const { ctx } = authorize(c, "leads.move");
    const body = await jsonBody(c, MoveLead);
    const before = await getLead(ctx, c.req.param("id"));
    if (!before) throw notFound("No such lead");
    const lead = await moveLead(ctx, before.lead.id, body.stage, actorLabel(c), body.note);
    if (!lead) throw notFound("No such lead");
    if (before.lead.stage !== body.stage) {
      await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
        action: "lead.move",
        tenantId: ctx.tenantId,
        target: lead.id,
        detail: { from: before.lead.stage, to: body.stage },
        requestId: c.get("requestId"),
      });
    }
    return c.json({ lead });
  });
