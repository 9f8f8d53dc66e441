/**
 * A tenant's agent settings as staff edit them. The config lives on the tenant row (platform
 * database, so the change and its audit row share a batch), and every call reads that row when it
 * starts, so a saved change is used by the very next call.
 */
import { eq } from "drizzle-orm";
import type { Principal } from "../auth/principal";
import { auditInsert } from "../audit/audit";
import { transferSettingRefusal } from "../calls/transfer-policy";
import { platformDb } from "../db/handles";
import { tenants } from "../db/platform.schema";
import type { Env } from "../env";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { TenantContext } from "../tenancy/tenant-context";
import { getTemplate } from "../templates/registry";
import type { AgentConfigPatch } from "./agent-config.schema";
import {
  AgentConfig,
  GREETING_PLACEHOLDERS,
  MAX_SMS_RECIPIENTS,
  REALTIME_VOICES,
  mergeAgentConfig,
} from "./agent-config.schema";
import type { AgentOptions, AgentPreview, SliderGroups } from "./agents.schema";
import { renderGreeting } from "./greeting";
import { buildInstructions } from "./instructions";
import {
  PERSONALITY_GROUPS,
  PERSONALITY_SLIDERS,
  SLIDER_HIGH_THRESHOLD,
  SLIDER_LOW_THRESHOLD,
} from "./personality";

/** The settings after a patch, validated as a whole (a patch valid field by field can still clash). */
export function patchedConfig(current: AgentConfig, patch: AgentConfigPatch): Result<AgentConfig> {
  const merged = AgentConfig.safeParse(mergeAgentConfig(current, patch));
  if (merged.success) return ok(merged.data);
  // Worded as a request validator words it: to the client this is one more check of its body.
  const issues = merged.error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : "";
  return fail("invalid_request", `Invalid body: ${shown}${more}`, issues);
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
): Promise<Result<AgentConfig>> {
  const db = platformDb(env.PLATFORM_DB);
  // Re-read the row: the context was resolved at the start of the request.
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, ctx.tenantId) });
  if (!row) return fail("not_found", "No such tenant");
  const current = AgentConfig.parse(JSON.parse(row.agentConfig));
  const patched = patchedConfig(current, patch);
  if (!patched.ok) return patched;
  const next = patched.value;
  const refused = await transferSettingRefusal(env, ctx.tenantId, next, patch);
  if (refused) return refused;
  const changed = changedFields(current, next);
  if (changed.length === 0) return ok(next);
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
  return ok(next);
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

export function sliderGroups(config: AgentConfig): SliderGroups {
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

export function agentOptions(): AgentOptions {
  return {
    voices: [...REALTIME_VOICES],
    greetingPlaceholders: [...GREETING_PLACEHOLDERS],
    maxSmsRecipients: MAX_SMS_RECIPIENTS,
  };
}
