/** POST /twilio/sms-status?tenant=…: Twilio's delivery receipts for the texts we sent. */
import { Hono } from "hono";
import { z } from "zod";
import { tenantAuthToken } from "../calls/twilio-auth";
import type { AppEnv } from "../http/app-env";
import { AppError, forbidden } from "../http/errors";
import { formBody, parseWith } from "../http/validation";
import { log } from "../observability/log";
import { resolutionError } from "../tenancy/request-tenant";
import { resolveTenant } from "../tenancy/tenant-context";
import { verifyTwilioWebhook } from "../twilio/signature";
import { applySmsStatus } from "./outbox";

const SmsStatusCallback = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-zA-Z]{10,64}$/, "must be a Twilio MessageSid"),
  MessageStatus: z.string().min(1).max(40),
  ErrorCode: z.string().max(10).optional(),
});

export const messagingRoutes = new Hono<AppEnv>().post("/sms-status", async (c) => {
  const tenantId = c.req.query("tenant") ?? "";
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
  const body = parseWith(SmsStatusCallback, params, "status callback");
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
  return c.json({ ok: true });
});
