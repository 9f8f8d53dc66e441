/**
 * Usage rollups per tenant per day (platform DB `usage_daily`): calls, call seconds and model
 * tokens, added once per finished call by whoever finalised it (call-records.ts makes that once).
 */
import { sql } from "drizzle-orm";
import { platformDb } from "../db/handles";
import { usageDaily } from "../db/platform.schema";
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
  const callSeconds = Math.max(0, Math.round(usage.callSeconds));
  const modelInputTokens = Math.max(0, Math.round(usage.inputTokens));
  const modelOutputTokens = Math.max(0, Math.round(usage.outputTokens));
  await platformDb(env.PLATFORM_DB)
    .insert(usageDaily)
    .values({ tenantId, day, calls: 1, callSeconds, modelInputTokens, modelOutputTokens })
    .onConflictDoUpdate({
      target: [usageDaily.tenantId, usageDaily.day],
      set: {
        calls: sql`${usageDaily.calls} + 1`,
        callSeconds: sql`${usageDaily.callSeconds} + excluded.call_seconds`,
        modelInputTokens: sql`${usageDaily.modelInputTokens} + excluded.model_input_tokens`,
        modelOutputTokens: sql`${usageDaily.modelOutputTokens} + excluded.model_output_tokens`,
      },
    });
}
