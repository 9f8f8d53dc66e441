/** After each call, the business's SMS recipients get a short summary of it. */
import type { TenantContext } from "../tenancy/tenant-context";
import { queueSms } from "./outbox";

/** One SMS segment set, not a novel: Twilio bills per 153-character segment. */
export const SUMMARY_SMS_MAX_CHARS = 480;

export function composeCallSummarySms(input: {
  agentName: string;
  callerPhone: string;
  callerName: string | null;
  outcome: string | null;
  summary: string;
  durationSeconds: number | null;
}): string {
  const who = input.callerName ? `${input.callerName} (${input.callerPhone})` : input.callerPhone;
  const minutes =
    input.durationSeconds !== null
      ? ` · ${Math.max(1, Math.round(input.durationSeconds / 60))} min`
      : "";
  const outcome = input.outcome ? ` · ${input.outcome.replace(/_/g, " ")}` : "";
  const head = `${input.agentName}: call from ${who}${minutes}${outcome}\n`;
  const room = SUMMARY_SMS_MAX_CHARS - head.length;
  const summary =
    input.summary.length > room
      ? `${input.summary.slice(0, Math.max(0, room - 1))}…`
      : input.summary;
  return head + summary;
}

/** Queues the summary once per recipient; a retried job finds the rows and queues nothing new. */
export async function queueCallSummarySms(
  ctx: TenantContext,
  input: {
    callSid: string;
    callerPhone: string;
    callerName: string | null;
    outcome: string | null;
    summary: string;
    durationSeconds: number | null;
  },
): Promise<number> {
  const recipients = ctx.config.smsRecipients;
  const body = composeCallSummarySms({ agentName: ctx.config.agentName, ...input });
  let created = 0;
  for (const to of recipients) {
    const result = await queueSms(ctx, {
      to,
      body,
      dedupeKey: `call-summary:${input.callSid}:${to}`,
      callSid: input.callSid,
    });
    if (result.created) created += 1;
  }
  return created;
}
