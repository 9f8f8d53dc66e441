/** Request schemas of the admin API (both tiers). Each schema and its type share a name. */
import { z } from "zod";
import { AgentConfigPatch } from "../agents/agent-config.schema";
import { LeadStage } from "../leads/leads.schema";
import { Limit, Offset } from "../lib/paging";
import { TemplateId } from "../tenancy/tenants.schema";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (`2026-07-01`) or an ISO date-time; a day as an upper bound includes that whole day. */
export const DateBound = z
  .string()
  .trim()
  .refine((v) => (DAY.test(v) || v.includes("T")) && !Number.isNaN(Date.parse(v)), {
    message: "must be a date (YYYY-MM-DD) or an ISO date-time",
  });

// ---- platform tier ----

export const TenantListQuery = z
  .object({
    search: z.string().trim().max(100).optional(),
    status: z.enum(["active", "suspended", "offboarded"]).optional(),
    limit: Limit,
    offset: Offset,
  })
  .strict();
export type TenantListQuery = z.infer<typeof TenantListQuery>;

export const OffboardRequest = z
  .object({ confirmSlug: z.string().trim().min(1, "type the tenant's slug to confirm").max(40) })
  .strict();
export type OffboardRequest = z.infer<typeof OffboardRequest>;

export const AssignTemplateRequest = z.object({ template: TemplateId }).strict();
export type AssignTemplateRequest = z.infer<typeof AssignTemplateRequest>;

// ---- tenant tier ----

export const AgentPreviewRequest = z
  .object({
    agentConfig: AgentConfigPatch.optional(),
    callerFirstName: z.string().trim().max(60).nullable().optional(),
  })
  .strict();
export type AgentPreviewRequest = z.infer<typeof AgentPreviewRequest>;

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

export const CallerListQuery = z
  .object({ search: z.string().trim().max(100).optional(), limit: Limit, offset: Offset })
  .strict();

export const CallerProfilePatch = z.object({ profile: z.record(z.string(), z.unknown()) }).strict();
export type CallerProfilePatch = z.infer<typeof CallerProfilePatch>;

export const LeadListQuery = z
  .object({ stage: LeadStage.optional(), limit: Limit, offset: Offset })
  .strict();
export type LeadListQuery = z.infer<typeof LeadListQuery>;
