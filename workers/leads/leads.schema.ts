import { z } from "zod";
import { PhoneNumber } from "../lib/phone";

export const LEAD_STAGES = ["new", "contacted", "qualified", "won", "lost"] as const;
export const LeadStage = z.enum(LEAD_STAGES);
export type LeadStage = z.infer<typeof LeadStage>;

export const CaptureLead = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    phone: PhoneNumber.optional(),
    email: z.string().trim().toLowerCase().email().max(254).optional(),
    reason: z.string().trim().min(1).max(1000),
  })
  .strict();
export type CaptureLead = z.infer<typeof CaptureLead>;

export const MoveLead = z
  .object({ stage: LeadStage, note: z.string().trim().max(1000).optional() })
  .strict();
export type MoveLead = z.infer<typeof MoveLead>;
