/** What the post-call LLM steps must answer (checked with zod; sent as strict JSON schemas). */
import { z } from "zod";
import { MemoryType } from "../memory/memory.schema";

export const PERSONALITY_METRICS = [
  "sentiment",
  "satisfaction",
  "patience",
  "friendliness",
  "urgency",
  "verbosity",
] as const;

/** Summary, mood, open items and per-call personality scores (0..1). */
export const CallAnalysis = z.strictObject({
  summary: z.string().min(1).max(1200),
  sentiment: z.enum(["positive", "neutral", "negative", "mixed"]),
  open_items: z
    .array(z.strictObject({ key: z.string().min(1).max(100), text: z.string().min(1).max(500) }))
    .max(10),
  metrics: z.strictObject(
    Object.fromEntries(PERSONALITY_METRICS.map((m) => [m, z.number().min(0).max(1)])) as Record<
      (typeof PERSONALITY_METRICS)[number],
      z.ZodNumber
    >,
  ),
});
export type CallAnalysis = z.infer<typeof CallAnalysis>;

/** New or changed facts, open items the call resolved, and a profile patch for the template. */
export const FactExtraction = z.strictObject({
  facts: z
    .array(
      z.strictObject({
        type: MemoryType,
        key: z.string().min(1).max(100),
        value: z.string().min(1).max(2000),
        turn: z.number().int().min(0).nullable(),
        confidence: z.number().min(0).max(1),
      }),
    )
    .max(40),
  resolved_open_items: z.array(z.string().max(100)).max(20),
  /** A JSON object string: strict JSON schemas cannot describe a per-template profile. */
  profile_patch_json: z.string().max(20_000),
});
export type FactExtraction = z.infer<typeof FactExtraction>;

export const STEP_NAMES = [
  "caller",
  "summary",
  "facts",
  "profile",
  "metrics",
  "embeddings",
  "lead",
  "sms",
] as const;
export const StepName = z.enum(STEP_NAMES);
export type StepName = z.infer<typeof StepName>;
export const StepState = z.enum(["done", "pending", "failed"]);
export type StepState = z.infer<typeof StepState>;
export const JobSteps = z.partialRecord(StepName, StepState);
export type JobSteps = z.infer<typeof JobSteps>;

export const PostCallOutcome = z.object({
  callSid: z.string(),
  status: z.enum(["done", "pending_llm", "missing"]),
  /** True when nothing was left to do (a redelivered job). */
  unchanged: z.boolean(),
  steps: JobSteps,
  summaryMethod: z.enum(["llm", "extractive"]).nullable(),
  facts: z.object({
    added: z.number().int(),
    superseded: z.number().int(),
    duplicate: z.number().int(),
    rejected: z.number().int(),
  }),
  profileRejected: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type PostCallOutcome = z.infer<typeof PostCallOutcome>;
