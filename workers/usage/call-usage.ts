/**
 * Usage rollups per tenant per day (platform DB `usage_daily`): calls, call seconds and model
 * tokens, added once per finished call by whoever finalised it (call-records.ts makes that once).
 */
import type { Env } from "../env";

export interface CallUsage {
  callSeconds: number;
  inputTokens: number;
  outputTokens: number;
}

/** The UTC day a call is billed to: the day it started. */
export function usageDay(startedAtIso: string): string {
  return startedAtIso.slice(0, 10);
}

export async function addCallUsage(
  env: Env,
  tenantId: string,
  day: string,
  usage: CallUsage,
): Promise<void> {
  await env.PLATFORM_DB.prepare(
    `INSERT INTO usage_daily (tenant_id, day, calls, call_seconds, model_input_tokens, model_output_tokens)
     VALUES (?1, ?2, 1, ?3, ?4, ?5)
     ON CONFLICT (tenant_id, day) DO UPDATE SET
       calls = calls + 1,
       call_seconds = call_seconds + excluded.call_seconds,
       model_input_tokens = model_input_tokens + excluded.model_input_tokens,
       model_output_tokens = model_output_tokens + excluded.model_output_tokens`,
  )
    .bind(
      tenantId,
      day,
      Math.max(0, Math.round(usage.callSeconds)),
      Math.max(0, Math.round(usage.inputTokens)),
      Math.max(0, Math.round(usage.outputTokens)),
    )
    .run();
}
