/**
 * profile — the facts step's profile patch, validated by the tenant's industry template before
 * it is stored (updateCallerProfile); fields the template rejects are reported, never stored.
 * Idempotent: applying the same patch twice leaves the same profile.
 */
import { updateCallerProfile } from "../../callers/callers";
import { log } from "../../observability/log";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { PostCallOutcome } from "../post-call.schema";
import type { CallInfo } from "./call-data";
import type { CallerResult } from "./caller.step";
import type { FactsResult } from "./facts.step";

export interface ProfileResult {
  state: "done" | "pending";
  rejected: PostCallOutcome["profileRejected"];
}

export async function profileStep(
  ctx: TenantContext,
  call: CallInfo,
  caller: CallerResult,
  facts: FactsResult,
): Promise<ProfileResult> {
  if (facts.state === "pending") return { state: "pending", rejected: [] };
  if (facts.profilePatchJson === null || !caller.phone) return { state: "done", rejected: [] };
  let patch: unknown;
  try {
    patch = JSON.parse(facts.profilePatchJson || "{}");
  } catch {
    return { state: "done", rejected: [{ path: "(root)", message: "profile patch is not JSON" }] };
  }
  if (!patch || typeof patch !== "object" || Object.keys(patch).length === 0)
    return { state: "done", rejected: [] };
  const update = await updateCallerProfile(ctx, caller.phone, patch);
  if (update.rejected.length > 0)
    log("info", "post_call.profile_rejected", {
      tenantId: ctx.tenantId,
      callSid: call.callSid,
      paths: update.rejected.map((r) => r.path).join(","),
    });
  return { state: "done", rejected: update.rejected };
}
