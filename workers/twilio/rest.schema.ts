/**
 * Twilio REST API (2010-04-01) resources we read back, as zod schemas. Loose: Twilio adds fields
 * over time and we only rely on the few named here.
 * Docs: https://www.twilio.com/docs/voice/api/call-resource, /docs/messaging/api/message-resource.
 */
import { z } from "zod";

/** Call SIDs are "CA" + 32 hex digits; checked before one goes into a URL path. */
export const CallSid = z
  .string()
  .regex(/^CA[0-9a-fA-F]{32}$/, { error: "must be a Twilio Call SID" });
export type CallSid = z.infer<typeof CallSid>;

export const RecordingSid = z
  .string()
  .regex(/^RE[0-9a-fA-F]{32}$/, { error: "must be a Twilio Recording SID" });
export type RecordingSid = z.infer<typeof RecordingSid>;

export const CALL_STATUSES = [
  "queued",
  "ringing",
  "in-progress",
  "completed",
  "busy",
  "failed",
  "no-answer",
  "canceled",
] as const;
export const TwilioCallStatus = z.enum(CALL_STATUSES);
export type TwilioCallStatus = z.infer<typeof TwilioCallStatus>;

export const TwilioCallResource = z.looseObject({
  sid: z.string(),
  account_sid: z.string(),
  status: z.string(),
  to: z.string().nullable().optional(),
  from: z.string().nullable().optional(),
  date_updated: z.string().nullable().optional(),
});
export type TwilioCallResource = z.infer<typeof TwilioCallResource>;

export const TwilioMessageResource = z.looseObject({
  sid: z.string(),
  account_sid: z.string(),
  status: z.string(),
  to: z.string(),
  from: z.string().nullable().optional(),
  body: z.string().optional(),
  num_segments: z.string().optional(),
  error_code: z.number().nullable().optional(),
  error_message: z.string().nullable().optional(),
});
export type TwilioMessageResource = z.infer<typeof TwilioMessageResource>;

/** Twilio's error body, e.g. `{ code: 21220, message: "Call is not in-progress…", status: 400 }`. */
export const TwilioErrorBody = z.looseObject({
  code: z.number().nullable().optional(),
  message: z.string(),
  more_info: z.string().nullable().optional(),
  status: z.number().optional(),
});
export type TwilioErrorBody = z.infer<typeof TwilioErrorBody>;

/**
 * What we ask of a live call. `url` or `twiml` redirects it (ending any Media Stream: Twilio
 * sends `stop`), `status: "completed"` hangs it up.
 */
export const CallUpdate = z
  .object({
    url: z.url({ protocol: /^https?$/ }).optional(),
    method: z.enum(["GET", "POST"]).optional(),
    twiml: z.string().min(1).max(4000).optional(),
    status: z.enum(["completed", "canceled"]).optional(),
  })
  .refine((u) => u.url !== undefined || u.twiml !== undefined || u.status !== undefined, {
    error: "give a url, twiml or status",
  })
  .refine((u) => !(u.url !== undefined && u.twiml !== undefined), {
    error: "give either a url or twiml, not both",
  });
export type CallUpdate = z.infer<typeof CallUpdate>;

export const SendSms = z.object({
  to: z.string().regex(/^\+[1-9]\d{7,14}$/, { error: "must be an E.164 number" }),
  from: z.string().min(1),
  body: z.string().min(1).max(1600),
  statusCallback: z.url({ protocol: /^https?$/ }).optional(),
});
export type SendSms = z.infer<typeof SendSms>;
