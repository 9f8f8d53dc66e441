/**
 * Leads and messages. A phone number heard over a phone line is easy to get wrong, so
 * capture_lead stores nothing until the model has read the number back and the caller agreed:
 * the first call (confirmed: false) answers with the digits to read; only confirmed: true stores.
 */
import { z } from "zod";
import { captureLead } from "../../../workers/leads/leads";
import { normalizePhone } from "../../../workers/lib/phone";
import { createMessage } from "../../../workers/messages/messages";
import { MessageUrgency } from "../../../workers/messages/messages.schema";
import { callerNumber, readBackDigits } from "./phone-readback";
import { defineTool, fail, succeed } from "./types";

const NO_NUMBER =
  "no callback number: the caller's number is withheld, so ask the caller for a number to call back";

type PhoneChoice = { kind: "ok"; phone: string } | { kind: "withheld" } | { kind: "invalid" };

/** The number the caller gave, or the one they call from when they gave none. */
function phoneOrCaller(given: string | undefined, callerPhone: string): PhoneChoice {
  if (given === undefined || given.trim() === "") {
    const own = callerNumber(callerPhone);
    return own ? { kind: "ok", phone: own } : { kind: "withheld" };
  }
  const phone = normalizePhone(given);
  return phone ? { kind: "ok", phone } : { kind: "invalid" };
}

export const captureLeadTool = defineTool({
  name: "capture_lead",
  description:
    "Record the caller as a sales lead (someone interested in buying or a new service) with their name, callback phone number and what they want. Phone numbers must be confirmed: first call with confirmed=false, read the returned digits back to the caller one by one, and only after the caller says they are right call again with confirmed=true. Leave phone empty to use the number they are calling from (still read it back).",
  args: z
    .object({
      name: z.string().trim().min(1).max(120).describe("The caller's name as they gave it"),
      phone: z
        .string()
        .max(32)
        .optional()
        .describe("Callback number as the caller said it; omit to use the calling number"),
      reason: z.string().trim().min(1).max(1000).describe("What the caller is interested in"),
      confirmed: z
        .boolean()
        .describe("true only after the caller confirmed the number you read back digit by digit"),
    })
    .strict(),
  async run(args, ctx) {
    const choice = phoneOrCaller(args.phone, ctx.callerPhone);
    if (choice.kind === "withheld") return fail(NO_NUMBER);
    if (choice.kind === "invalid")
      return fail(
        `"${args.phone ?? ""}" is not a complete phone number: ask the caller to repeat it with the area code`,
      );
    const phone = choice.phone;
    const digits = readBackDigits(phone);
    if (!args.confirmed) {
      return succeed({
        stored: false,
        phone,
        read_back: digits,
        next: `Read the number back to the caller digit by digit ("${digits}") and ask if it is right. If it is, call capture_lead again with the same details and confirmed=true; if not, ask for the number again.`,
      });
    }
    const { lead, created } = await captureLead(
      ctx.tenant,
      { name: args.name, phone, reason: args.reason },
      { source: "call", callSid: ctx.callSid, callerId: ctx.callerId },
    );
    return succeed({
      stored: true,
      lead_id: lead.id,
      created,
      phone,
      next: created
        ? "Tell the caller the team will reach out at that number."
        : "This caller already had an open request; it was updated with this one. Tell the caller the team will reach out.",
    });
  },
});

export const takeMessageTool = defineTool({
  name: "take_message",
  description:
    "Take a message for the business's staff when the caller wants someone to call back or nobody can help right now. Read the callback number back to the caller before calling this. Leave callback_number empty to use the number they are calling from.",
  args: z
    .object({
      caller_name: z.string().trim().min(1).max(120).describe("Who the message is from"),
      callback_number: z
        .string()
        .max(32)
        .optional()
        .describe("Number to call back; omit to use the calling number"),
      message: z.string().trim().min(1).max(2000).describe("The message, in the caller's words"),
      urgency: MessageUrgency.default("normal").describe(
        "high when the caller says it is urgent or time-critical",
      ),
    })
    .strict(),
  async run(args, ctx) {
    const choice = phoneOrCaller(args.callback_number, ctx.callerPhone);
    if (choice.kind === "withheld") return fail(NO_NUMBER);
    if (choice.kind === "invalid")
      return fail(
        `"${args.callback_number ?? ""}" is not a complete phone number: ask the caller to repeat it with the area code`,
      );
    const phone = choice.phone;
    const result = await createMessage(
      ctx.tenant,
      {
        callerName: args.caller_name,
        callbackNumber: phone,
        body: args.message,
        urgency: args.urgency,
      },
      { callSid: ctx.callSid, callerId: ctx.callerId },
    );
    if (!result.ok)
      return fail("the message could not be saved", {
        rejected: result.issues.map((i) => ({ path: i.path, reason: i.message })),
      });
    return succeed(
      {
        message_id: result.message.id,
        callback_number: phone,
        urgency: result.message.urgency,
        next: "Tell the caller their message was passed on and someone will call them back.",
      },
      { kind: "message_taken" },
    );
  },
});
