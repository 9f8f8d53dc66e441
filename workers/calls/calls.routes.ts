/**
 * Twilio's call webhooks and the Media Streams upgrade.
 *
 * - POST /twilio/voice     a call comes in: TwiML `<Connect><Stream>` + `<Redirect>`.
 * - GET  /twilio/media/:callSid   the stream's WebSocket, forwarded to the call object.
 * - POST /twilio/continue  the stream ended with the call still up: resume, dial, record, hang up.
 * - POST /twilio/recording the caller left a message after the apology.
 * - POST /twilio/status    the number's call status callback: status forward only; finalise.
 *
 * Every form webhook is signature-checked (platform account, or the dialled tenant's own);
 * a forged or missing signature is a 403 and nothing is recorded. The media handshake likewise
 * (platform account, or the call's tenant's own), before anything reaches the call object.
 *
 * A signature proves the tenant, not the CallSid: a tenant with its own Twilio account can sign
 * a webhook for its own number naming any CallSid. So every call-object RPC carries the tenant
 * the webhook resolved, and the object refuses (403 here) a call that is another tenant's.
 */
import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import type { CallEndedResult } from "../../durable-objects/call-session/call-session.do";
import { HANDSHAKE_HEADERS } from "../../durable-objects/call-session/protocol/handshake";
import { findOrCreateCaller } from "../callers/callers";
import { messages } from "../db/tenant.schema";
import type { AppEnv } from "../http/app-env";
import { defineRoute, router } from "../http/contract";
import { AppError, conflict, forbidden } from "../http/errors";
import { formBody } from "../http/validation";
import { newId } from "../lib/crypto";
import { normalizePhone } from "../lib/phone";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { resolveTenant } from "../tenancy/tenant-context";
import type { VerifiedTwilioWebhook } from "../twilio/signature";
import { isValidTwilioSignature, publicWebSocketUrlFor } from "../twilio/signature";
import {
  applyCallStatus,
  finaliseCall,
  getCall,
  isFinalStatus,
  recordIncomingCall,
} from "./call-records";
import { signStreamToken } from "./stream-token";
import { transferNumberProblem } from "./transfer-policy";
import { isSignedHandshake, tenantAuthToken, verifyVoiceWebhook } from "./twilio-auth";
import {
  connectStreamTwiml,
  dialTwiml,
  hangupTwiml,
  pauseThenContinueTwiml,
  recordMessageTwiml,
  sayAndHangupTwiml,
} from "./twiml";
import {
  ContinueWebhook,
  MediaStreamParams,
  RecordingWebhook,
  StatusWebhook,
  VoiceWebhook,
  twilioForm,
  twimlResponse,
} from "./webhooks.schema";

const CallSidParam = z.string().regex(/^CA[0-9a-zA-Z]{10,64}$/, "must be a Twilio CallSid");

export const MESSAGES = {
  unknownNumber: "Sorry, this number is not in service. Goodbye.",
  suspended: "Sorry, this business is not taking calls right now. Please try again later. Goodbye.",
  unavailable: "Sorry, we cannot take your call right now. Please try again later. Goodbye.",
  apology:
    "Sorry, we are having trouble on our end. Please leave a message after the tone and we will call you back.",
  noAnswer: "Sorry, nobody could take your call. Please leave a message after the tone.",
  thanks: "Thank you. Your message has been recorded. Goodbye.",
} as const;

function twiml(c: Context<AppEnv>, body: string): Response {
  return c.body(body, 200, { "Content-Type": "text/xml; charset=utf-8" });
}

interface SignedCall {
  webhook: VerifiedTwilioWebhook;
  params: Readonly<Record<string, string>>;
  callSid: string;
}

/**
 * Route middleware of every form webhook: the signature is checked on the raw form, before the
 * form is validated and before anything is written; a bad signature is a 403, a bad CallSid a 400.
 */
const signedCallWebhook: MiddlewareHandler<AppEnv> = async (c, next) => {
  const params = await formBody(c);
  const webhook = await verifyVoiceWebhook(c.env, c.req.raw, params);
  if (!webhook) {
    log("warn", "twilio.signature_rejected", {
      requestId: c.get("requestId"),
      path: c.req.path,
    });
    throw forbidden("Twilio signature missing or invalid");
  }
  if (!CallSidParam.safeParse(params.CallSid).success)
    throw new AppError(400, "invalid_request", "CallSid is missing or invalid");
  c.set("twilioWebhook", webhook);
  await next();
};

/** The webhook the middleware verified: its params are exactly what Twilio signed. */
function signedCall(c: Context<AppEnv>): SignedCall {
  const webhook = c.get("twilioWebhook");
  if (!webhook) throw new Error("signedCallWebhook did not run for this route");
  const callSid = CallSidParam.parse(webhook.params.CallSid);
  return { webhook, params: webhook.params, callSid };
}

const TAG = "Twilio";

async function tenantFor(c: Context<AppEnv>, call: SignedCall): Promise<TenantContext | string> {
  const resolved = await resolveTenant(c.env, { kind: "twilio", webhook: call.webhook });
  if (resolved.ok) return resolved.ctx;
  log("warn", "call.tenant_unavailable", {
    requestId: c.get("requestId"),
    callSid: call.callSid,
    tenantId: resolved.tenantId,
    reason: resolved.reason,
  });
  if (resolved.reason === "unknown_number") return MESSAGES.unknownNumber;
  if (resolved.reason === "suspended") return MESSAGES.suspended;
  return MESSAGES.unavailable;
}

/** The caller's number, or a per-call stand-in when it is withheld (never a shared profile). */
function callerPhoneOf(from: string | undefined, callSid: string): string {
  return normalizePhone(from ?? "") ?? `withheld:${callSid}`;
}

function sessionFor(c: Context<AppEnv>, callSid: string) {
  return c.env.CALL_SESSION.get(c.env.CALL_SESSION.idFromName(callSid));
}

function otherTenantsCall(c: Context<AppEnv>, tenantId: string, callSid: string): AppError {
  log("warn", "call.wrong_tenant", { requestId: c.get("requestId"), tenantId, callSid });
  return forbidden("This call belongs to another tenant");
}

async function connectAnswer(
  c: Context<AppEnv>,
  tenantId: string,
  callSid: string,
  generation: number,
) {
  const token = await signStreamToken(c.env, { tenantId, callSid, generation });
  return twiml(c, connectStreamTwiml({ publicBaseUrl: c.env.PUBLIC_BASE_URL, callSid, token }));
}

export const callRoutes = router()
  .openapi(
    defineRoute({
      method: "post",
      path: "/voice",
      tag: TAG,
      security: "twilio",
      summary: "A call comes in: TwiML <Connect><Stream> (or a spoken refusal) and a <Redirect>",
      description:
        "403 when the signature is missing or wrong; 409 when the call was already answered.",
      middleware: signedCallWebhook,
      request: { body: twilioForm(VoiceWebhook) },
      responses: { 200: twimlResponse("TwiML") },
    }),
    async (c) => {
      const call = signedCall(c);
      const tenant = await tenantFor(c, call);
      if (typeof tenant === "string") return twiml(c, sayAndHangupTwiml(tenant));
      // Claim the call before writing anything: a CallSid already answered is never re-answered.
      const answer = await sessionFor(c, call.callSid).answer(tenant.tenantId);
      if (!answer.ok) {
        if (answer.reason === "wrong_tenant")
          throw otherTenantsCall(c, tenant.tenantId, call.callSid);
        throw conflict("This call has already been answered");
      }
      const phone = callerPhoneOf(call.params.From, call.callSid);
      const caller = await findOrCreateCaller(tenant, phone);
      await recordIncomingCall(tenant, {
        callSid: call.callSid,
        from: phone,
        to: call.webhook.dialledNumber,
        callerId: caller.id,
        startedAt: new Date().toISOString(),
      });
      log("info", "call.answered", {
        requestId: c.get("requestId"),
        tenantId: tenant.tenantId,
        callSid: call.callSid,
      });
      return connectAnswer(c, tenant.tenantId, call.callSid, answer.generation);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/media/{callSid}",
      tag: TAG,
      security: "twilio",
      summary: "The Media Streams WebSocket of a call, forwarded to the call's object",
      description:
        "A WebSocket upgrade signed over its wss:// URL (platform account, or the call's tenant's own). " +
        "426 without an upgrade; 403 when the signature is missing or wrong.",
      request: { params: MediaStreamParams },
      responses: { 101: { description: "Switching Protocols: the stream's WebSocket" } },
    }),
    async (c) => {
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        return c.json(
          { error: { code: "upgrade_required", message: "Expected a WebSocket upgrade" } },
          426,
        );
      }
      const callSid = CallSidParam.safeParse(c.req.param("callSid"));
      const signature = c.req.header("x-twilio-signature") ?? null;
      if (!callSid.success || !signature) throw forbidden("Twilio signature missing or invalid");
      const url = publicWebSocketUrlFor(c.env.PUBLIC_BASE_URL, c.req.raw);
      const session = sessionFor(c, callSid.data);
      const platformVerified = await isValidTwilioSignature(
        c.env.TWILIO_AUTH_TOKEN,
        signature,
        url,
        {},
      );
      // A tenant with its own Twilio account signs with its own token: the call's tenant (claimed
      // by its voice webhook) is the only one whose token may. Anything else never reaches the
      // object, so it cannot disturb the call's live stream.
      let signedBy: string | null = null;
      if (!platformVerified) {
        const tenantId = await session.tenantOfCall();
        const token = tenantId === null ? null : await tenantAuthToken(c.env, tenantId);
        if (
          tenantId === null ||
          token === null ||
          !(await isSignedHandshake(token, signature, url))
        ) {
          log("warn", "twilio.signature_rejected", {
            requestId: c.get("requestId"),
            path: c.req.path,
            callSid: callSid.data,
          });
          throw forbidden("Twilio signature missing or invalid");
        }
        signedBy = tenantId;
      }
      // Only headers we set go through.
      const headers = new Headers({
        Upgrade: "websocket",
        [HANDSHAKE_HEADERS.platformVerified]: platformVerified ? "1" : "0",
        [HANDSHAKE_HEADERS.tenantId]: signedBy ?? "",
      });
      return session.fetch(new Request(`https://call-session/media/${callSid.data}`, { headers }));
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/continue",
      tag: TAG,
      security: "twilio",
      summary: "The stream ended with the call still up: resume, dial, record a message or hang up",
      description:
        "With `?step=after_dial`, the <Dial> has ended: hang up, or record a message when nobody answered.",
      middleware: signedCallWebhook,
      request: { body: twilioForm(ContinueWebhook) },
      responses: { 200: twimlResponse("TwiML") },
    }),
    async (c) => {
      const call = signedCall(c);
      const base = c.env.PUBLIC_BASE_URL;
      if (c.req.query("step") === "after_dial") {
        const dialStatus = call.params.DialCallStatus ?? "";
        if (dialStatus === "completed" || dialStatus === "answered") return twiml(c, hangupTwiml());
        return twiml(c, recordMessageTwiml({ publicBaseUrl: base, say: MESSAGES.noAnswer }));
      }
      const tenant = await tenantFor(c, call);
      if (typeof tenant === "string") return twiml(c, sayAndHangupTwiml(tenant));
      const next = await sessionFor(c, call.callSid).continuation(tenant.tenantId);
      log("info", "call.continuation", {
        requestId: c.get("requestId"),
        tenantId: tenant.tenantId,
        callSid: call.callSid,
        next: next.kind,
      });
      switch (next.kind) {
        case "refused":
          throw otherTenantsCall(c, tenant.tenantId, call.callSid);
        case "dial": {
          // Dial time: the stored destination must still be one the tenant may dial (toll fraud).
          const problem = await transferNumberProblem(c.env, tenant.tenantId, {
            transferNumber: next.to,
            transferCountries: tenant.config.transferCountries,
          });
          if (problem !== null) {
            log("warn", "call.transfer_refused", {
              requestId: c.get("requestId"),
              tenantId: tenant.tenantId,
              callSid: call.callSid,
              reason: problem,
            });
            return twiml(c, recordMessageTwiml({ publicBaseUrl: base, say: MESSAGES.noAnswer }));
          }
          return twiml(c, dialTwiml({ publicBaseUrl: base, to: next.to }));
        }
        case "message":
          return twiml(c, recordMessageTwiml({ publicBaseUrl: base, say: MESSAGES.apology }));
        case "hangup":
          return twiml(c, hangupTwiml());
        case "wait":
          return twiml(c, pauseThenContinueTwiml(base));
        case "resume":
          return connectAnswer(c, tenant.tenantId, call.callSid, next.generation);
      }
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/recording",
      tag: TAG,
      security: "twilio",
      summary: "The caller left a message: it is kept as a voicemail",
      middleware: signedCallWebhook,
      request: { body: twilioForm(RecordingWebhook) },
      responses: { 200: twimlResponse("TwiML: thanks and hang up") },
    }),
    async (c) => {
      const call = signedCall(c);
      const tenant = await tenantFor(c, call);
      if (typeof tenant === "string") return twiml(c, hangupTwiml());
      const recordingUrl = z.url().safeParse(call.params.RecordingUrl);
      if (recordingUrl.success) {
        const owner = await sessionFor(c, call.callSid).messageRecorded(tenant.tenantId);
        if (owner === "wrong_tenant") throw otherTenantsCall(c, tenant.tenantId, call.callSid);
        const row = await getCall(tenant, call.callSid);
        await tenant.db.insert(messages).values({
          id: newId("msg"),
          callSid: call.callSid,
          callerId: row?.callerId ?? null,
          callbackNumber: normalizePhone(call.params.From ?? ""),
          body: `Voicemail (${call.params.RecordingDuration ?? "?"} s)`,
          recordingUrl: recordingUrl.data,
        });
      }
      return twiml(c, sayAndHangupTwiml(MESSAGES.thanks));
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/status",
      tag: TAG,
      security: "twilio",
      summary:
        "The number's call status callback: the status moves forward only; a final one ends the call",
      middleware: signedCallWebhook,
      request: { body: twilioForm(StatusWebhook) },
      responses: { 204: { description: "Recorded" } },
    }),
    async (c) => {
      const call = signedCall(c);
      const tenant = await tenantFor(c, call);
      if (typeof tenant === "string") return c.body(null, 204);
      const status = call.params.CallStatus ?? "";
      let ended: CallEndedResult | null = null;
      const duration = Number(call.params.CallDuration);
      const durationSeconds = Number.isFinite(duration) && duration >= 0 ? duration : undefined;
      if (isFinalStatus(status)) {
        ended = await sessionFor(c, call.callSid).callEnded(tenant.tenantId, {
          status,
          ...(durationSeconds === undefined ? {} : { durationSeconds }),
        });
        if (ended === "wrong_tenant") throw otherTenantsCall(c, tenant.tenantId, call.callSid);
      }
      const changed = await applyCallStatus(tenant, call.callSid, status);
      if (ended === "no_session") {
        // The stream never started (caller hung up during the greeting setup): record the call.
        const row = await getCall(tenant, call.callSid);
        if (row) {
          await finaliseCall(c.env, tenant, {
            callSid: row.callSid,
            callerId: row.callerId,
            fromNumber: row.fromNumber,
            toNumber: row.toNumber,
            startedAt: row.startedAt,
            endedAt: new Date().toISOString(),
            outcome: "no_conversation",
            endReason: "caller_hangup",
            transferredTo: null,
            toolsUsed: [],
            inputTokens: 0,
            outputTokens: 0,
            finalStatus: status,
            ...(durationSeconds === undefined ? {} : { durationSeconds }),
            turns: [],
          });
        }
      }

      log("info", "call.status", {
        requestId: c.get("requestId"),
        tenantId: tenant.tenantId,
        callSid: call.callSid,
        callStatus: status,
        changed,
      });
      return c.body(null, 204);
    },
  );
