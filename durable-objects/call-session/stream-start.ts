/**
 * The checks a Media Stream passes at `start`, before any model socket opens: the stream token
 * (HMAC, expiry, this call), the tenant it names, and — when the handshake was not signed by the
 * platform's Twilio account — the handshake re-checked with that tenant's own auth token.
 * Any failure is a reason to close the stream with 1008 (policy violation).
 */
import { getCall } from "../../workers/calls/call-records";
import { verifyStreamToken } from "../../workers/calls/stream-token";
import { isSignedHandshake, tenantAuthToken } from "../../workers/calls/twilio-auth";
import type { Env } from "../../workers/env";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import type { TwilioStartMessage } from "./protocol/twilio-media.schema";
import type { CallMeta } from "./storage";

/** WebSocket close code for a stream we refuse (RFC 6455 policy violation). */
export const POLICY_VIOLATION = 1008;

export interface HandshakeProof {
  /** The `X-Twilio-Signature` matched the platform's auth token. */
  platformVerified: boolean;
  signature: string | null;
  /** The public wss:// URL the signature covers. */
  url: string;
}

export type StartCheck =
  | { ok: true; tenant: TenantContext; meta: CallMeta; resumed: boolean }
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
  stored: CallMeta | null;
}): Promise<StartCheck> {
  const { env, message, handshake } = options;
  const callSid = message.start.callSid;
  if (callSid !== options.pathCallSid) return refuse("stream for another call");
  const tokenText = message.start.customParameters["token"];
  const check = await verifyStreamToken(env, tokenText, callSid);
  if (!check.ok) return refuse(`token ${check.reason}`);
  const resolved = await resolveTenant(env, { kind: "call_token", token: check.token });
  if (!resolved.ok) return refuse(`tenant ${resolved.reason}`);
  const tenant = resolved.ctx;
  if (!handshake.platformVerified) {
    const token = await tenantAuthToken(env, tenant.tenantId);
    const signed =
      token !== null && (await isSignedHandshake(token, handshake.signature, handshake.url));
    if (!signed) return refuse("handshake signature");
  }

  const stored = options.stored;
  const resumed = stored !== null && stored.streamStarts > 0;
  let meta = stored;
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
  return { ok: true, tenant, meta, resumed };
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
