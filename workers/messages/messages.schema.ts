import { z } from "zod";
import { PhoneNumber } from "../lib/phone";

export const MESSAGE_URGENCIES = ["low", "normal", "high"] as const;
export const MessageUrgency = z.enum(MESSAGE_URGENCIES);
export type MessageUrgency = z.infer<typeof MessageUrgency>;

export const MESSAGE_STATUSES = ["new", "read", "done"] as const;
export const MessageStatus = z.enum(MESSAGE_STATUSES);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** A message a caller leaves for the business. */
export const CreateMessage = z
  .object({
    callerName: z.string().trim().min(1).max(120).optional(),
    callbackNumber: PhoneNumber.optional(),
    body: z.string().trim().min(1).max(2000),
    urgency: MessageUrgency.default("normal"),
    recordingUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict();
export type CreateMessage = z.input<typeof CreateMessage>;
