/** POST /twilio/sms-status?tenant=…: Twilio's delivery receipts for the texts we sent. */
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import { tenantAuthToken } from "../calls/twilio-auth";
import { twilioForm } from "../calls/webhooks.schema";
import type { AppEnv } from "../http/app-env";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { AppError, forbidden } from "../http/errors";
import { formBody, parseWith } from "../http/validation";
import { log } from "../observability/log";
import { resolutionError } from "../tenancy/request-tenant";
import { resolveTenant } from "../tenancy/tenant-context";
import { verifyTwilioWebhook } from "../twilio/signature";
import { applySmsStatus } from "./outbox";

/** What we read of a receipt, checked after the signature (Twilio sends more; it is ignored). */
const SmsStatusCallback = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{10,64}$/, "must be a Twilio MessageSid"),
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().max(10).optional(),
});

/** The form as documented and as the route's validator sees it: loose, so nothing is refused. */
const SmsStatusWebhook = z
  .looseObject({
    MessageSid: z.string().optional().describe("The text (SM… or MM…)"),
    MessageStatus: z.string().optional().describe("queued, sent, delivered, undelivered, failed…"),
    ErrorCode: z.string().optional().describe("Twilio's error code, on a failure"),
  })
  .meta({ id: "TwilioSmsStatusWebhook" });

function callbackTenant(c: { req: { query(name: string): string | undefined } }): string {
  return c.req.query("tenant") ?? "";
}

/**
 * The tenant named in the callback URL, then the signature (platform account, or that tenant's
 * own), on the raw form: before the form is validated and before anything is written.
 */
const signedStatusCallback: MiddlewareHandler<AppEnv> = async (c, next) => {
  const tenantId = callbackTenant(c);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(tenantId)) throw forbidden("Unknown callback");
  const params = await formBody(c);
  const webhook =
    (await verifyTwilioWebhook(
      c.env.TWILIO_AUTH_TOKEN,
      c.env.PUBLIC_BASE_URL,
      c.req.raw,
      params,
    )) ??
    (await (async () => {
      const own = await tenantAuthToken(c.env, tenantId);
      return own ? verifyTwilioWebhook(own, c.env.PUBLIC_BASE_URL, c.req.raw, params) : null;
    })());
  if (!webhook)
    throw new AppError(403, "invalid_signature", "Twilio signature is missing or wrong");
  c.set("twilioWebhook", webhook);
  await next();
};

export const messagingRoutes = router().openapi(
  defineRoute({
    method: "post",
    path: "/sms-status",
    tag: "Twilio",
    security: "twilio",
    summary: "A delivery receipt for a text we sent (`?tenant=` names the sending tenant)",
    description: "403 for an unknown callback or a missing or wrong signature.",
    middleware: signedStatusCallback,
    request: { body: twilioForm(SmsStatusWebhook) },
    responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Receipt applied") },
  }),
  async (c) => {
    const tenantId = callbackTenant(c);
    const webhook = c.get("twilioWebhook");
    if (!webhook) throw new Error("signedStatusCallback did not run for this route");
    // The signed params, with their own messages for a malformed receipt.
    const body = parseWith(SmsStatusCallback, webhook.params, "status callback");
    const resolution = await resolveTenant(c.env, { kind: "twilio_callback", webhook, tenantId });
    if (!resolution.ok) throw resolutionError(resolution);
    const result = await applySmsStatus(resolution.ctx, {
      messageSid: body.MessageSid,
      twilioStatus: body.MessageStatus,
      errorCode: body.ErrorCode ?? null,
    });
    log("info", "sms.status", {
      requestId: c.get("requestId"),
      tenantId,
      smsStatus: body.MessageStatus,
      known: result.found,
      changed: result.changed,
    });
    return c.json({ ok: true as const }, 200);
  },
);
