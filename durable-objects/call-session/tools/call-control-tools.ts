/**
 * Tools that change the call itself. transfer_to_human redirects the live call through Twilio's
 * REST API to the continuation endpoint, which answers `<Dial>` of the tenant's transfer
 * number from the call's stored state; the redirect ends the Media Stream (Twilio sends `stop`),
 * so the call object must treat that stop as a transfer, not a hang-up. end_call only asks the
 * call object to hang up once the goodbye has played (it knows from Twilio's marks).
 */
import { z } from "zod";
import { transferNumberProblem } from "../../../workers/calls/transfer-policy";
import { log } from "../../../workers/observability/log";
import { twilioRestFor } from "../../../workers/twilio/rest";
import type { ToolContext } from "./types";
import { defineTool, fail, succeed } from "./types";

/** Where a live call goes when the stream ends on purpose (transfer, message, resume). */
export function continuationUrl(env: ToolContext["env"]): string {
  return `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/twilio/continue`;
}

export const transferToHuman = defineTool({
  name: "transfer_to_human",
  description:
    "Transfer the caller to a person at the business when they ask for a human or you cannot help. Tell the caller you are connecting them before calling this. If no one can take transfers, the result says so: then offer to take a message instead.",
  args: z
    .object({
      reason: z.string().trim().min(1).max(500).describe("Why the caller needs a person"),
    })
    .strict(),
  async run(_args, ctx) {
    const to = ctx.tenant.config.transferNumber;
    if (!to) {
      return fail("no one at the business can take transferred calls", {
        transferred: false,
        next: "Apologise that no one can take the call right now and offer to take a message (take_message) so someone calls back.",
      });
    }
    // Dial time: the number may have been saved before the destination rules (toll fraud).
    const problem = await transferNumberProblem(ctx.env, ctx.tenant.tenantId, ctx.tenant.config);
    if (problem !== null) {
      log("warn", "call.transfer_refused", {
        tenantId: ctx.tenant.tenantId,
        callSid: ctx.callSid,
        reason: problem,
      });
      return fail("transfers to the business's number are not allowed", {
        transferred: false,
        next: "Apologise that no one can take the call right now and offer to take a message (take_message) so someone calls back.",
      });
    }
    const twilio = await twilioRestFor(ctx.env, ctx.tenant.tenantId);
    const result = await twilio.updateCall(ctx.callSid, {
      url: continuationUrl(ctx.env),
      method: "POST",
    });
    if (!result.ok) {
      log("warn", "call.transfer_failed", {
        tenantId: ctx.tenant.tenantId,
        callSid: ctx.callSid,
        code: result.error.code === null ? result.error.kind : String(result.error.code),
        message: result.error.message,
      });
      return fail("the transfer could not be started", {
        transferred: false,
        next: "Apologise, say the line could not be connected, and offer to take a message (take_message) instead.",
      });
    }
    log("info", "call.transfer_started", {
      tenantId: ctx.tenant.tenantId,
      callSid: ctx.callSid,
    });
    return succeed(
      { transferred: true, next: "The caller is being connected now; say nothing more." },
      { kind: "transfer", to },
    );
  },
});

export const endCall = defineTool({
  name: "end_call",
  description:
    "End the call once the conversation is over and you have said goodbye (or the caller asked to hang up). Say the goodbye before calling this; the line closes after it has played.",
  args: z
    .object({
      reason: z
        .string()
        .trim()
        .min(1)
        .max(300)
        .describe("Why the call is ending, e.g. caller said goodbye"),
    })
    .strict(),
  run(_args, ctx) {
    log("info", "call.end_requested", {
      tenantId: ctx.tenant.tenantId,
      callSid: ctx.callSid,
    });
    return Promise.resolve(succeed({ ending: true }, { kind: "hangup" }));
  },
});
