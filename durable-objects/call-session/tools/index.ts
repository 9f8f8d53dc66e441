/**
 * The call's function tools: their Realtime definitions and one entry point to run them.
 *
 * Contract with the call object:
 * - `TOOL_DEFINITIONS` goes into `session.update` as is (see protocol/realtime.schema.ts).
 * - `runTool(name, argumentsJson, toolCtx)` never throws. Bad JSON, arguments that fail the
 *   tool's schema, an unknown tool, or a failure inside the tool all come back as an `output`
 *   of `{ ok: false, error }` the model can read and recover from (ask again, offer a message).
 * - `effect` tells the call object what to do after the model's reply: `transfer` (the call
 *   was already redirected to /twilio/continue, which must `<Dial>` `to`; the coming `stop` is
 *   not a hang-up), `hangup` (hang up once the goodbye audio has played), `message_taken`.
 */
import type { z } from "zod";
import { z as zod } from "zod";
import type { RealtimeFunctionTool } from "../protocol/realtime.schema";
import { log } from "../../../workers/observability/log";
import { endCall, transferToHuman } from "./call-control-tools";
import { lookupCallerProfile, updateCallerProfileTool } from "./caller-tools";
import { captureLeadTool, takeMessageTool } from "./lead-tools";
import { rememberFact, searchMemory } from "./memory-tools";
import type { ToolContext, ToolOutcome, ToolSpec } from "./types";
import { fail } from "./types";

export type { ToolContext, ToolEffect, ToolOutcome } from "./types";

const TOOLS: readonly ToolSpec[] = [
  lookupCallerProfile,
  updateCallerProfileTool,
  rememberFact,
  searchMemory,
  captureLeadTool,
  takeMessageTool,
  transferToHuman,
  endCall,
];

const BY_NAME: ReadonlyMap<string, ToolSpec> = new Map(TOOLS.map((t) => [t.name, t]));

export const TOOL_NAMES = TOOLS.map((t) => t.name);

/** The JSON Schema the model sees: what the tool accepts as input (before transforms). */
function parametersOf(schema: z.ZodType): Record<string, unknown> {
  const json = zod.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  const { $schema: _ignored, ...parameters } = json;
  return parameters;
}

export const TOOL_DEFINITIONS: readonly RealtimeFunctionTool[] = TOOLS.map((t) => ({
  type: "function" as const,
  name: t.name,
  description: t.description,
  parameters: parametersOf(t.args),
}));

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join(".");
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join("; ");
}

export async function runTool(
  name: string,
  argumentsJson: string,
  toolCtx: ToolContext,
): Promise<ToolOutcome> {
  const tool = BY_NAME.get(name);
  if (!tool) return fail(`unknown tool "${name}"; available: ${TOOL_NAMES.join(", ")}`);

  let raw: unknown;
  try {
    raw = argumentsJson.trim() === "" ? {} : JSON.parse(argumentsJson);
  } catch {
    return fail(`arguments for ${name} are not valid JSON; send a JSON object`);
  }
  const args = tool.args.safeParse(raw);
  if (!args.success) return fail(`invalid arguments for ${name}: ${describeIssues(args.error)}`);

  const started = Date.now();
  try {
    const outcome = await tool.run(args.data, toolCtx);
    log("info", "call.tool", {
      tenantId: toolCtx.tenant.tenantId,
      callSid: toolCtx.callSid,
      tool: name,
      durationMs: Date.now() - started,
      effect: outcome.effect?.kind ?? null,
    });
    return outcome;
  } catch (err) {
    // A storage or network fault: the model hears a plain failure; the detail stays in the log.
    log("error", "call.tool_failed", {
      tenantId: toolCtx.tenant.tenantId,
      callSid: toolCtx.callSid,
      tool: name,
      durationMs: Date.now() - started,
      message: err instanceof Error ? err.message : String(err),
    });
    return fail(`${name} failed because of a system problem; apologise and carry on without it`);
  }
}
