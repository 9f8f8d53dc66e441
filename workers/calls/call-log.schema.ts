/** Requests and answers of the call log (`/api/tenants/{tenantId}/calls...`). */
import { z } from "zod";
import { callSummaries, calls, transcriptTurns } from "../db/tenant.schema";
import { Limit, Offset } from "../lib/paging";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (`2026-07-01`) or an ISO date-time; a day as an upper bound includes that whole day. */
export const DateBound = z
  .string()
  .trim()
  .refine((v) => (DAY.test(v) || v.includes("T")) && !Number.isNaN(Date.parse(v)), {
    message: "must be a date (YYYY-MM-DD) or an ISO date-time",
  });

export const CallListQuery = z
  .object({
    from: DateBound.optional(),
    to: DateBound.optional(),
    outcome: z.string().trim().min(1).max(60).optional(),
    status: z.string().trim().min(1).max(60).optional(),
    caller: z.string().trim().min(1).max(100).optional(),
    limit: Limit,
    offset: Offset,
  })
  .strict();
export type CallListQuery = z.infer<typeof CallListQuery>;

/** A call as the log lists it: the stored row's public fields, the caller's name and the summary. */
export const CallLogEntry = z
  .object({
    callSid: z.string(),
    callerId: z.string().nullable(),
    callerName: z.string().nullable(),
    fromNumber: z.string(),
    toNumber: z.string(),
    direction: z.string(),
    status: z.string(),
    outcome: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    durationSeconds: z.number().int().nullable(),
    endReason: z.string().nullable(),
    transferredTo: z.string().nullable(),
    toolsUsed: z.array(z.string()),
    postCallStatus: z.enum(calls.postCallStatus.enumValues),
    summary: z.string().nullable(),
  })
  .meta({ id: "CallLogEntry" });
export type CallLogEntry = z.infer<typeof CallLogEntry>;

export const CallList = z
  .object({ calls: z.array(CallLogEntry), total: z.number().int() })
  .meta({ id: "CallList" });
export type CallList = z.infer<typeof CallList>;

export const CallDetail = z
  .object({
    call: CallLogEntry,
    transcript: z.array(
      z.object({
        seq: z.number().int(),
        speaker: z.enum(transcriptTurns.speaker.enumValues),
        text: z.string(),
        at: z.string(),
      }),
    ),
    summary: z
      .object({
        summary: z.string(),
        method: z.enum(callSummaries.method.enumValues),
        sentiment: z.string().nullable(),
        /** As the post-call step wrote them: strings or small objects. */
        openItems: z.array(z.unknown()),
        createdAt: z.string(),
      })
      .nullable(),
    metrics: z.array(z.object({ metric: z.string(), value: z.number() })),
  })
  .meta({ id: "CallDetail" });
export type CallDetail = z.infer<typeof CallDetail>;

export const CallPath = z.object({ callSid: z.string().meta({ description: "Twilio's CallSid" }) });
