/**
 * Twilio's call webhooks, as far as we read them. Twilio sends many more fields (and adds new
 * ones), so every schema is loose and every field optional: the signature check, not this
 * schema, decides what is accepted, and a missing CallSid is answered by the route itself.
 */
import { z } from "zod";

/** A TwiML answer. */
export const twimlResponse = (description: string) =>
  ({ description, content: { "text/xml": { schema: z.string() } } }) as const;

/** A form body as Twilio posts it. */
export const twilioForm = <S extends z.ZodType>(schema: S) =>
  ({ required: true, content: { "application/x-www-form-urlencoded": { schema } } }) as const;

const field = (description: string) => z.string().optional().describe(description);

const CallWebhookFields = {
  CallSid: field("The call (CA…); required"),
  From: field("The caller's number; withheld numbers get a per-call stand-in"),
  To: field("The dialled number: which tenant (and which Twilio account) the call is for"),
};

export const VoiceWebhook = z.looseObject(CallWebhookFields).meta({ id: "TwilioVoiceWebhook" });

export const ContinueWebhook = z
  .looseObject({
    ...CallWebhookFields,
    DialCallStatus: field("With ?step=after_dial: how the transfer ended"),
  })
  .meta({ id: "TwilioContinueWebhook" });

export const RecordingWebhook = z
  .looseObject({
    ...CallWebhookFields,
    RecordingUrl: field("The voicemail recording"),
    RecordingDuration: field("Its length in seconds"),
  })
  .meta({ id: "TwilioRecordingWebhook" });

export const StatusWebhook = z
  .looseObject({
    ...CallWebhookFields,
    CallStatus: field("queued, ringing, in-progress, completed, busy, failed, no-answer, canceled"),
    CallDuration: field("Seconds, on a final status"),
  })
  .meta({ id: "TwilioStatusWebhook" });

export const MediaStreamParams = z.object({
  callSid: z.string().describe("The call (CA…) the stream belongs to"),
});
