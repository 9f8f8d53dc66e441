/**
 * Memory shapes: what a memory is, what a write and a search take, what the API answers.
 * Schema and type share a name. Request schemas are what the seven endpoints accept; the
 * domain functions take the same plain values (already validated).
 */
import { z } from "zod";
import { PhoneNumber } from "../lib/phone";

/** The kinds of memory an agent keeps. A fixed list: an unknown type is a 400, not a new bucket. */
export const MEMORY_TYPES = [
  "fact",
  "preference",
  "open_item",
  "relationship",
  "vehicle",
  "policy",
  "property",
  "appointment",
  "loan",
  "note",
] as const;
export const MemoryType = z.enum(MEMORY_TYPES);
export type MemoryType = z.infer<typeof MemoryType>;

export const MAX_MEMORY_VALUE = 2000;
export const MAX_MEMORY_KEY = 100;

/** A memory key: short, lowercase-ish identifier of the fact (`vehicle`, `contact_time`, `policy:PFI-1`). */
export const MemoryKey = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_MEMORY_KEY, `must be at most ${MAX_MEMORY_KEY} characters`);

export const MemoryValue = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(MAX_MEMORY_VALUE, `must be at most ${MAX_MEMORY_VALUE} characters`);

export const CallSid = z.string().regex(/^CA[0-9a-zA-Z]{10,64}$/, "must be a Twilio CallSid");

/** What `rememberFact` takes (the call session's remember tool and the API both go through it). */
export const RememberFactInput = z.object({
  phone: PhoneNumber,
  type: MemoryType,
  key: MemoryKey,
  value: MemoryValue,
  source: z
    .object({
      callSid: CallSid.nullish(),
      turn: z.number().int().min(0).max(100_000).nullish(),
    })
    .optional(),
  confidence: z.number().min(0).max(1).optional(),
  observedAt: z.iso.datetime({ offset: true }).optional(),
});
export type RememberFactInput = z.input<typeof RememberFactInput>;

/** One memory as the API and the agent see it. */
export const MemoryView = z
  .object({
    id: z.number().int(),
    callerId: z.string(),
    type: z.string(),
    key: z.string(),
    value: z.string(),
    source: z.object({ callSid: z.string().nullable(), turn: z.number().int().nullable() }),
    confidence: z.number(),
    observedAt: z.string(),
    validFrom: z.string(),
    /** Null while the fact is current; when it was superseded or closed otherwise. */
    validTo: z.string().nullable(),
    supersededBy: z.number().int().nullable(),
    current: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: "Memory" });
export type MemoryView = z.infer<typeof MemoryView>;

export const RememberOutcome = z.enum(["added", "superseded", "duplicate"]);
export type RememberOutcome = z.infer<typeof RememberOutcome>;

export const MemoryHit = MemoryView.extend({
  /** Reciprocal-rank-fusion score: higher is better. */
  score: z.number(),
  /** 1-based rank in each leg that found it; null when that leg did not. */
  keywordRank: z.number().int().nullable(),
  vectorRank: z.number().int().nullable(),
}).meta({ id: "MemoryHit" });
export type MemoryHit = z.infer<typeof MemoryHit>;

export const SearchMemoriesInput = z.object({
  query: z.string().trim().min(1, "must not be empty").max(500),
  phone: PhoneNumber.optional(),
  types: z.array(MemoryType).max(MEMORY_TYPES.length).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(50).optional(),
  includeHistory: z.boolean().optional(),
});
export type SearchMemoriesInput = z.input<typeof SearchMemoriesInput>;
