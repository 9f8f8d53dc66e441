/**
 * Turning the object's stored state into the tenant's call record. The database makes it
 * happen once (see workers/calls/call-records.ts); `meta.finalised` only saves a round trip.
 */
import type { FinaliseResult } from "../../workers/calls/call-records";
import { finaliseCall } from "../../workers/calls/call-records";
import { verifyStreamToken } from "../../workers/calls/stream-token";
import type { Env } from "../../workers/env";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import type { CallMeta, CallStore } from "./storage";

export type EndReason =
  | "caller_hangup"
  | "agent_ended"
  | "transferred"
  | "message_recorded"
  | "stream_lost"
  | "model_unavailable";

export function outcomeOf(meta: CallMeta, hadCallerTurns: boolean): string {
  if (meta.phase === "transferring" || meta.transferTo !== null) return "transferred";
  if (meta.messageTaken) return "message_taken";
  return hadCallerTurns ? "handled" : "no_conversation";
}

/** The tenant of a stored call, re-proved from the token that opened it. */
export async function tenantFromMeta(env: Env, meta: CallMeta): Promise<TenantContext | null> {
  const check = await verifyStreamToken(env, meta.token, meta.callSid, { ignoreExpiry: true });
  if (!check.ok) return null;
  const resolved = await resolveTenant(env, { kind: "call_token", token: check.token });
  return resolved.ok ? resolved.ctx : null;
}

export async function finaliseFromStore(
  env: Env,
  store: CallStore,
  tenant: TenantContext,
  endReason: EndReason,
  twilio: { finalStatus?: string; durationSeconds?: number } = {},
): Promise<FinaliseResult | null> {
  const meta = store.meta();
  if (!meta) return null;
  if (meta.finalised) return { written: false, reason: "already_finalised" };
  const turns = store.turns();
  const result = await finaliseCall(env, tenant, {
    callSid: meta.callSid,
    callerId: meta.callerId,
    fromNumber: meta.callerPhone,
    toNumber: meta.toNumber,
    startedAt: meta.startedAt,
    endedAt: new Date().toISOString(),
    outcome: outcomeOf(
      meta,
      turns.some((t) => t.speaker === "caller"),
    ),
    endReason,
    transferredTo: meta.transferTo,
    toolsUsed: meta.toolsUsed,
    inputTokens: meta.inputTokens,
    outputTokens: meta.outputTokens,
    ...(twilio.durationSeconds === undefined ? {} : { durationSeconds: twilio.durationSeconds }),
    ...(twilio.finalStatus === undefined ? {} : { finalStatus: twilio.finalStatus }),
    turns,
  });
  store.updateMeta((m) => {
    m.finalised = true;
    m.detachedAt = null;
  });
  return result;
}
