/** What every call tool receives and returns. The call object depends on these shapes only. */
import type { z } from "zod";
import type { Env } from "../../../workers/env";
import type { TenantContext } from "../../../workers/tenancy/tenant-context";

export interface ToolContext {
  env: Env;
  /** The call's tenant: every tool reads and writes this tenant's data and nothing else. */
  tenant: TenantContext;
  callSid: string;
  /** The caller's number as Twilio gave it (E.164, or a withheld marker such as "anonymous"). */
  callerPhone: string;
  /** The caller's row id in this tenant's database. */
  callerId: string;
  streamSid: string | null;
}

export type ToolEffect =
  { kind: "transfer"; to: string } | { kind: "hangup" } | { kind: "message_taken" };

export interface ToolOutcome {
  /** JSON text for the `function_call_output` item: always an object with `ok`. */
  output: string;
  /** What the call object must do once the model has said its piece. */
  effect?: ToolEffect;
}

export interface ToolSpec<S extends z.ZodType = z.ZodType> {
  name: string;
  /** Read by the model: says when to use the tool and what to tell the caller. */
  description: string;
  args: S;
  run(args: z.output<S>, ctx: ToolContext): Promise<ToolOutcome>;
}

/** Typed helper so each tool's `run` sees its own parsed arguments. */
export function defineTool<S extends z.ZodType>(spec: ToolSpec<S>): ToolSpec<S> {
  return spec;
}

export function succeed(body: Record<string, unknown>, effect?: ToolEffect): ToolOutcome {
  const output = JSON.stringify({ ok: true, ...body });
  return effect ? { output, effect } : { output };
}

export function fail(error: string, extra: Record<string, unknown> = {}): ToolOutcome {
  return { output: JSON.stringify({ ok: false, error, ...extra }) };
}
