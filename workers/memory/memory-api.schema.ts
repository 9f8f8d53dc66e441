/**
 * The seven memory endpoints' wire shapes (snake_case, as the phone orchestrator speaks).
 * Every response carries `customer_id` (the authenticated tenant) and, where a caller is
 * concerned, `user_id` (the caller's phone in E.164). See docs/MEMORY_API.md.
 */
import { z } from "zod";
import { PhoneNumber } from "../lib/phone";
import { ForgetReceipt } from "./forget";
import { EnrichedContext } from "./enriched-context";
import {
  CallSid,
  MEMORY_TYPES,
  MemoryHit,
  MemoryKey,
  MemoryType,
  MemoryValue,
  MemoryView,
  RememberOutcome,
} from "./memory.schema";
import { PostCallOutcome } from "../post-call/post-call.schema";

const CustomerId = z
  .string()
  .max(100)
  .optional()
  .describe("Optional; must be the authenticated tenant's id or slug (403 otherwise)");
const UserId = PhoneNumber.describe("The caller's phone number; normalised to E.164");
const Bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const IsoTime = z.iso.datetime({ offset: true });

const TypesCsv = z
  .string()
  .max(200)
  .transform((value, ctx) => {
    const types = value
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    const bad = types.filter((t) => !(MEMORY_TYPES as readonly string[]).includes(t));
    if (bad.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `unknown memory type ${bad.join(", ")}; expected one of ${MEMORY_TYPES.join(", ")}`,
      });
      return z.NEVER;
    }
    return types as MemoryType[];
  })
  .describe(`Comma-separated memory types: ${MEMORY_TYPES.join(", ")}`);

export const ListMemoriesQuery = z.strictObject({
  customer_id: CustomerId,
  user_id: UserId.optional().describe("Caller phone; omit to list the tenant's newest memories"),
  type: TypesCsv.optional(),
  include_history: Bool.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});

export const MemoryListResponse = z.object({
  customer_id: z.string(),
  user_id: z.string().nullable(),
  memories: z.array(MemoryView),
  count: z.number().int(),
});

export const Source = z
  .strictObject({
    call_sid: CallSid.nullish(),
    turn: z.number().int().min(0).max(100_000).nullish(),
  })
  .optional();

export const CreateMemoryBody = z.strictObject({
  customer_id: CustomerId,
  user_id: UserId,
  type: MemoryType,
  key: MemoryKey,
  value: MemoryValue,
  confidence: z.number().min(0).max(1).optional(),
  observed_at: IsoTime.optional(),
  source: Source,
});

export const MemoryWriteResponse = z.object({
  customer_id: z.string(),
  user_id: z.string(),
  outcome: RememberOutcome,
  memory: MemoryView,
});

export const StoreMemoryBody = z
  .strictObject({
    customer_id: CustomerId,
    user_id: UserId,
    type: MemoryType.default("note"),
    key: MemoryKey.optional().describe("Defaults to a key derived from the content"),
    content: MemoryValue.optional().describe("The memory text (alias: value)"),
    value: MemoryValue.optional(),
    confidence: z.number().min(0).max(1).optional(),
    observed_at: IsoTime.optional(),
    source: Source,
    profile: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("A caller profile patch, validated by the tenant's industry template"),
  })
  .refine((b) => b.content !== undefined || b.value !== undefined || b.profile !== undefined, {
    message: "send content (or value), a profile patch, or both",
  });

export const ProfileIssue = z.object({ path: z.string(), message: z.string() });

export const StoreMemoryResponse = z.object({
  customer_id: z.string(),
  user_id: z.string(),
  outcome: RememberOutcome.nullable(),
  memory: MemoryView.nullable(),
  profile: z
    .object({ applied: z.array(z.string()), rejected: z.array(ProfileIssue), bio: z.string() })
    .nullable(),
});

export const RetrieveBody = z.strictObject({
  customer_id: CustomerId,
  user_id: UserId.optional().describe("Caller phone; omit to search the whole tenant"),
  query: z.string().trim().min(1).max(500),
  types: z.array(MemoryType).max(MEMORY_TYPES.length).optional(),
  since: IsoTime.optional(),
  until: IsoTime.optional(),
  limit: z.number().int().min(1).max(50).default(10),
  include_history: z.boolean().default(false),
});

export const RetrieveResponse = z.object({
  customer_id: z.string(),
  user_id: z.string().nullable(),
  query: z.string(),
  results: z.array(MemoryHit),
});

export const EnrichedQuery = z.strictObject({
  customer_id: CustomerId,
  user_id: UserId,
  deadline_ms: z.coerce.number().int().min(10).max(5000).optional(),
});

export const EnrichedResponse = z.object({
  customer_id: z.string(),
  user_id: z.string(),
  context: EnrichedContext,
  /** The same context as the compact text block the voice agent receives. */
  prompt: z.string(),
});

export const TranscriptTurnInput = z.strictObject({
  speaker: z.enum(["caller", "agent", "system"]),
  text: z.string().trim().min(1).max(4000),
  at: IsoTime.optional(),
});

export const ProcessCallBody = z
  .strictObject({
    customer_id: CustomerId,
    call_sid: CallSid.optional(),
    user_id: UserId.optional(),
    transcript: z.array(TranscriptTurnInput).min(1).max(500).optional(),
    to_number: UserId.optional().describe(
      "The tenant's number the call came in on (with a transcript); defaults to the tenant's first number",
    ),
  })
  .refine((b) => b.call_sid !== undefined || b.transcript !== undefined, {
    message: "send call_sid (a recorded call) or user_id + transcript (a call to ingest)",
  })
  .refine((b) => b.transcript === undefined || b.user_id !== undefined, {
    message: "user_id is required with a transcript",
    path: ["user_id"],
  });

export const ProcessCallResponse = z.object({
  customer_id: z.string(),
  call_sid: z.string(),
  result: PostCallOutcome,
});

/** A run still going when the wait ended (a step waits for its retry): no result yet. */
export const ProcessCallAccepted = z.object({
  customer_id: z.string(),
  call_sid: z.string(),
  run_id: z.string(),
  result: z.null(),
});

export const PhoneParam = z.object({ phone: z.string().describe("Caller phone (URL-encoded)") });

export const ProfileQuery = z.strictObject({ customer_id: CustomerId });

export const ProfileResponse = z.object({
  customer_id: z.string(),
  user_id: z.string(),
  /** False when the tenant has never heard from this number: the rest is empty, not a 404. */
  known: z.boolean(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  profile: z.record(z.string(), z.unknown()),
  profile_template: z.string().nullable(),
  bio: z.string(),
  call_count: z.number().int(),
  last_call_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export const ForgetBody = z.strictObject({ customer_id: CustomerId, user_id: UserId });

export const ForgetResponse = z
  .object({
    customer_id: z.string(),
    user_id: z.string(),
    receipt: ForgetReceipt,
  })
  .meta({ id: "ForgetResponse" });
