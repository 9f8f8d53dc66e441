import { z } from "zod";

/** What the call session puts on POST_CALL_QUEUE when a call ends; the consumer checks it before use. */
export const PostCallJob = z
  .object({
    kind: z.literal("post_call"),
    tenantId: z.string().min(1).max(100),
    callSid: z.string().regex(/^CA[0-9a-zA-Z]{10,64}$/, "must be a Twilio CallSid"),
    enqueuedAt: z.string().datetime(),
  })
  .strict();
export type PostCallJob = z.infer<typeof PostCallJob>;
