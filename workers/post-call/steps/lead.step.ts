/**
 * lead — leads are captured during the call (the capture_lead tool, leads/leads.ts), before a
 * first-time caller has a caller row. This step links the leads of this call to the caller the
 * caller step found or created, so the pipeline and the caller's page show the same person.
 * It creates no lead itself. Idempotent: only leads not yet linked are touched.
 */
import { and, eq, isNull } from "drizzle-orm";
import { leads } from "../../db/tenant.schema";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallInfo } from "./call-data";
import type { CallerResult } from "./caller.step";

export interface LeadResult {
  state: "done";
  linked: number;
}

export async function leadStep(
  ctx: TenantContext,
  call: CallInfo,
  caller: CallerResult,
): Promise<LeadResult> {
  if (!caller.callerId) return { state: "done", linked: 0 };
  const result = await ctx.db
    .update(leads)
    .set({ callerId: caller.callerId, updatedAt: new Date().toISOString() })
    .where(and(eq(leads.callSid, call.callSid), isNull(leads.callerId)));
  return { state: "done", linked: result.meta.changes };
}
