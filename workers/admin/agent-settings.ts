/**
 * A tenant's agent settings as staff edit them. The config lives on the tenant row, and every
 * call reads that row when it starts, so a saved change is used by the very next call.
 */
import { eq } from "drizzle-orm";
import type { AgentConfigPatch } from "../agents/agent-config.schema";
import {
  AgentConfig,
  GREETING_PLACEHOLDERS,
  MAX_SMS_RECIPIENTS,
  REALTIME_VOICES,
  mergeAgentConfig,
} from "../agents/agent-config.schema";
import { renderGreeting } from "../agents/greeting";
import { buildInstructions } from "../agents/instructions";
import {
  PERSONALITY_GROUPS,
  PERSONALITY_SLIDERS,
  SLIDER_HIGH_THRESHOLD,
  SLIDER_LOW_THRESHOLD,
} from "../agents/personality";
import type { Principal } from "../auth/principal";
import { auditInsert } from "../audit/audit";
import { platformDb } from "../db/handles";
import { tenants } from "../db/platform.schema";
import { transferSettingError } from "../calls/transfer-policy";
import type { Env } from "../env";
import { AppError, zodIssues, describeIssues } from "../http/errors";
import type { TenantContext } from "../tenancy/tenant-context";
import { getTemplate } from "../templates/registry";

/** The settings after a patch, validated as a whole (a patch valid field by field can still clash). */
export function patchedConfig(
  current: AgentConfig,
  patch: AgentConfigPatch,
): AgentConfig | AppError {
  const merged = AgentConfig.safeParse(mergeAgentConfig(current, patch));
  if (!merged.success) {
    const issues = zodIssues(merged.error);
    return new AppError(400, "invalid_request", `Invalid body: ${describeIssues(issues)}`, issues);
  }
  return merged.data;
}

/** Top-level settings that differ, and slider keys that differ: for the audit log. */
function changedFields(before: AgentConfig, after: AgentConfig): string[] {
  const changed: string[] = [];
  for (const key of Object.keys(after) as (keyof AgentConfig)[]) {
    if (key === "personality") continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed.push(key);
  }
  for (const slider of PERSONALITY_SLIDERS) {
    if (before.personality[slider.key] !== after.personality[slider.key])
      changed.push(`personality.${slider.key}`);
  }
  return changed;
}

export async function updateAgentSettings(
  env: Env,
  principal: Principal | undefined,
  ctx: TenantContext,
  patch: AgentConfigPatch,
  requestId: string,
): Promise<AgentConfig | AppError> {
  const db = platformDb(env.PLATFORM_DB);
  // Re-read the row: the context was resolved at the start of the request.
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, ctx.tenantId) });
  if (!row) return new AppError(404, "not_found", "No such tenant");
  const current = AgentConfig.parse(JSON.parse(row.agentConfig));
  const next = patchedConfig(current, patch);
  if (next instanceof AppError) return next;
  const refused = await transferSettingError(env, ctx.tenantId, next, patch);
  if (refused) return refused;
  const changed = changedFields(current, next);
  if (changed.length === 0) return next;
  await db.batch([
    db
      .update(tenants)
      .set({
        agentConfig: JSON.stringify(next),
        // The business name is also the tenant's name in lists and the platform console.
        businessName: next.businessName,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(tenants.id, ctx.tenantId)),
    auditInsert(db, principal, {
      action: "agent.update",
      tenantId: ctx.tenantId,
      target: "agent",
      detail: { changed },
      requestId,
    }),
  ]);
  return next;
}

export interface AgentPreview {
  greeting: string;
  greetingUnknownCaller: string;
  instructions: string;
}

/** Exactly what a call would get with these settings (no caller context, no clock). */
export function previewAgent(
  ctx: TenantContext,
  config: AgentConfig,
  callerFirstName: string | null,
): AgentPreview {
  const template = getTemplate(ctx.template.name, ctx.template.version);
  return {
    greeting: renderGreeting(config, { callerFirstName: callerFirstName ?? "Jordan" }),
    greetingUnknownCaller: renderGreeting(config, { callerFirstName: null }),
    instructions: buildInstructions({
      config,
      templateGuidance: template?.definition.guidance ?? "",
      templateLabel: template?.definition.label ?? ctx.template.name,
    }),
  };
}

export function sliderGroups(config: AgentConfig) {
  return {
    groups: PERSONALITY_GROUPS.map((name) => ({
      name,
      sliders: PERSONALITY_SLIDERS.filter((s) => s.group === name).map((s) => ({
        key: s.key,
        label: s.label,
        low: s.low,
        high: s.high,
        default: s.default,
        value: config.personality[s.key],
      })),
    })),
    lowThreshold: SLIDER_LOW_THRESHOLD,
    highThreshold: SLIDER_HIGH_THRESHOLD,
  };
}

export function agentOptions() {
  return {
    voices: [...REALTIME_VOICES],
    greetingPlaceholders: [...GREETING_PLACEHOLDERS],
    maxSmsRecipients: MAX_SMS_RECIPIENTS,
  };
}
