/**
 * The checks a Media Stream passes at `start`, before any model socket opens and before it may
 * replace the call's live stream: the stream token (HMAC, expiry, this call, the latest
 * generation the object issued and not yet opened), the tenant it names (the call's own), and —
 * when the handshake was not signed by the platform's Twilio account — that the tenant whose
 * own auth token the Worker found signing it is the token's tenant.
 * Any failure is a reason to close the stream with 1008 (policy violation).
 */
import { getCall } from "../../workers/calls/call-records";
import { verifyStreamToken } from "../../workers/calls/stream-token";
import type { Env } from "../../workers/env";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import type { TwilioStartMessage } from "./protocol/twilio-media.schema";
import type { CallMeta, CallStore } from "./storage";
import { checkTenant, isOpenable } from "./stream-claim";

/** WebSocket close code for a stream we refuse (RFC 6455 policy violation). */
export const POLICY_VIOLATION = 1008;

/** What the Worker proved of the handshake's `X-Twilio-Signature` (it refuses any other). */
export interface HandshakeProof {
  /** Signed with the platform's auth token. */
  platformVerified: boolean;
  /** Otherwise: the tenant whose own auth token signed it. */
  tenantId: string | null;
}

export type StartCheck =
  | { ok: true; tenant: TenantContext; meta: CallMeta; generation: number }
  /** The conversation is over: the continuation endpoint decides what the line does next. */
  | { ok: false; refuse: false }
  | { ok: false; refuse: true; reason: string };

function refuse(reason: string): StartCheck {
  return { ok: false, refuse: true, reason };
}

export async function checkStart(options: {
  env: Env;
  message: TwilioStartMessage;
  pathCallSid: string;
  handshake: HandshakeProof;
  store: CallStore;
}): Promise<StartCheck> {
  const { env, message, handshake } = options;
  const callSid = message.start.callSid;
  if (callSid !== options.pathCallSid) return refuse("stream for another call");
  const tokenText = message.start.customParameters["token"];
  const check = await verifyStreamToken(env, tokenText, callSid);
  if (!check.ok) return refuse(`token ${check.reason}`);
  const tokenTenant = check.token.tenantId;
  if (!handshake.platformVerified && handshake.tenantId !== tokenTenant)
    return refuse("handshake signature");
  if (checkTenant(options.store, tokenTenant) === "wrong_tenant")
    return refuse("token of another tenant");
  const generation = check.generation;
  if (generation === null || !isOpenable(options.store, tokenTenant, generation))
    return refuse("token used or superseded");
  const resolved = await resolveTenant(env, { kind: "call_token", token: check.token });
  if (!resolved.ok) return refuse(`tenant ${resolved.reason}`);
  const tenant = resolved.ctx;

  let meta = options.store.meta();
  if (!meta) {
    const call = await getCall(tenant, callSid);
    if (!call) return refuse("unknown call");
    meta = newCallMeta({
      callSid,
      tenantId: tenant.tenantId,
      token: tokenText ?? "",
      callerPhone: call.fromNumber,
      toNumber: call.toNumber,
      callerId: call.callerId,
      startedAt: call.startedAt,
    });
  }
  if (meta.tenantId !== tenant.tenantId) return refuse("token of another tenant");
  if (meta.finalised || meta.phase !== "active") return { ok: false, refuse: false };
  return { ok: true, tenant, meta, generation };
}

function newCallMeta(
  call: Pick<
    CallMeta,
    "callSid" | "tenantId" | "token" | "callerPhone" | "toNumber" | "callerId" | "startedAt"
  >,
): CallMeta {
  return {
    ...call,
    phase: "active",
    transferTo: null,
    messageTaken: false,
    toolsUsed: [],
    inputTokens: 0,
    outputTokens: 0,
    streamStarts: 0,
    resumes: 0,
    finalised: false,
    detachedAt: null,
    rolloverAt: null,
    hangupAt: null,
  };
}
