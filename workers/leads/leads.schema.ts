/** Lead capture, the pipeline's stages, and the leads routes' requests and answers. */
import { z } from "zod";
import { Limit, Offset } from "../lib/paging";
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

export const LeadListQuery = z
  .object({ stage: LeadStage.optional(), limit: Limit, offset: Offset })
  .strict();
export type LeadListQuery = z.infer<typeof LeadListQuery>;

export const LeadPath = z.object({
  id: z.string().meta({ description: "The lead's id (`lead_…`)" }),
});

/** A lead as stored (workers/db/tenant.schema.ts `leads`). */
export const Lead = z
  .object({
    id: z.string(),
    callerId: z.string().nullable(),
    name: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    reason: z.string().nullable(),
    source: z.enum(["call", "manual", "api"]),
    stage: LeadStage,
    callSid: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Lead" });

/** One step in a lead's history (`lead_events`). */
export const LeadEvent = z
  .object({
    id: z.number().int(),
    leadId: z.string(),
    type: z.string(),
    fromStage: z.string().nullable(),
    toStage: z.string().nullable(),
    note: z.string().nullable(),
    actor: z.string().nullable(),
    at: z.string(),
  })
  .meta({ id: "LeadEvent" });

export const LeadList = z
  .object({ leads: z.array(Lead), total: z.number().int() })
  .meta({ id: "LeadList" });

export const LeadBoard = z
  .object({
    stages: z.array(z.object({ stage: LeadStage, leads: z.array(Lead), total: z.number().int() })),
  })
  .meta({ id: "LeadBoard" });
export type LeadBoard = z.infer<typeof LeadBoard>;

export const LeadDetail = z
  .object({ lead: Lead, events: z.array(LeadEvent) })
  .meta({ id: "LeadDetail" });

export const MovedLead = z.object({ lead: Lead }).meta({ id: "MovedLead" });
