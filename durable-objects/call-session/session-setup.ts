/**
 * What the model is told at the start of a call: persona, business guidance, caller context,
 * voice, tools, and the greeting. No LLM call here — only reads, under a deadline.
 */
import { buildInstructions } from "../../workers/agents/instructions";
import { renderGreeting } from "../../workers/agents/greeting";
import { formatContextForAgent, getEnrichedContext } from "../../workers/memory/enriched-context";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { getTemplate } from "../../workers/templates/registry";
import type { SessionUpdateEvent } from "./protocol/realtime.schema";
import { sessionUpdate } from "./protocol/realtime.schema";
import { TOOL_DEFINITIONS } from "./tools/index";

export const INPUT_TRANSCRIPTION_MODEL = "gpt-4o-mini-transcribe";
/** The enriched context must not hold up the greeting: what is not read by then is left out. */
export const CONTEXT_DEADLINE_MS = 250;

export interface CallSetup {
  sessionUpdate: SessionUpdateEvent;
  greeting: string;
}

export async function prepareCallSetup(
  tenant: TenantContext,
  callerPhone: string,
  options: { callerFirstName?: string | null } = {},
): Promise<CallSetup> {
  const template = getTemplate(tenant.template.name, tenant.template.version);
  const context = await getEnrichedContext(tenant, callerPhone, {
    deadlineMs: CONTEXT_DEADLINE_MS,
  });
  const instructions = buildInstructions({
    config: tenant.config,
    templateGuidance: template?.definition.guidance ?? "",
    templateLabel: template?.definition.label ?? tenant.template.name,
    callerContext: formatContextForAgent(context),
    now: new Date(),
  });
  const firstName = options.callerFirstName ?? context.caller?.firstName ?? null;
  return {
    sessionUpdate: sessionUpdate({
      instructions,
      voice: tenant.config.voice,
      tools: TOOL_DEFINITIONS,
      inputTranscriptionModel: INPUT_TRANSCRIPTION_MODEL,
    }),
    greeting: renderGreeting(tenant.config, { callerFirstName: firstName }),
  };
}

/** The greeting is spoken verbatim, so the tenant's wording is what the caller hears. */
export function greetingInstructions(greeting: string): string {
  return `Greet the caller now by saying exactly this, and nothing else: "${greeting}"`;
}

export const RESUME_INSTRUCTIONS =
  "The line dropped for a moment and the call has resumed. Briefly apologise for the interruption and continue where the conversation left off.";
