/** The tenant resource on the platform tier: its requests and its answers. */
import { z } from "zod";
import { AgentConfig, AgentConfigPatch } from "../agents/agent-config.schema";
import { PhoneNumber } from "../lib/phone";

export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3–40 lowercase letters, digits or dashes");

export const TemplateId = z.string().regex(/^[a-z][a-z_]*_v\d+$/, "must look like insurance_v1");

export const TenantStatus = z.enum(["active", "suspended", "offboarded"]);
export type TenantStatus = z.infer<typeof TenantStatus>;

// ---- requests ----

export const CreateTenant = z
  .object({
    slug: Slug,
    businessName: z.string().trim().min(1).max(120),
    template: TemplateId,
    phoneNumber: PhoneNumber,
    agentConfig: AgentConfigPatch.optional(),
  })
  .strict();
export type CreateTenant = z.infer<typeof CreateTenant>;

export const UpdateTenant = z
  .object({
    businessName: z.string().trim().min(1).max(120).optional(),
    status: TenantStatus.optional(),
    template: TemplateId.optional(),
    agentConfig: AgentConfigPatch.optional(),
    addPhoneNumbers: z.array(PhoneNumber).max(10).optional(),
    removePhoneNumbers: z.array(PhoneNumber).max(10).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type UpdateTenant = z.infer<typeof UpdateTenant>;

export const CreateApiKey = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export type CreateApiKey = z.infer<typeof CreateApiKey>;

export const TenantListQuery = z
  .object({
    search: z.string().trim().max(100).optional(),
    status: TenantStatus.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();
export type TenantListQuery = z.infer<typeof TenantListQuery>;

export const OffboardRequest = z
  .object({ confirmSlug: z.string().trim().min(1, "type the tenant's slug to confirm").max(40) })
  .strict();
export type OffboardRequest = z.infer<typeof OffboardRequest>;

export const AssignTemplateRequest = z.object({ template: TemplateId }).strict();
export type AssignTemplateRequest = z.infer<typeof AssignTemplateRequest>;

export const TenantIdParam = z.object({ id: z.string() });

// ---- answers ----

/** A tenant as the code sees it: its row with the agent config parsed and validated. */
export const TenantRecord = z.object({
  id: z.string(),
  slug: z.string(),
  businessName: z.string(),
  status: TenantStatus,
  template: z.object({ name: z.string(), version: z.number().int() }),
  agentConfig: AgentConfig,
  d1Binding: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TenantRecord = z.infer<typeof TenantRecord>;

/** A tenant as the platform console sees it: the record and the numbers that reach it. */
export const Tenant = TenantRecord.extend({ phoneNumbers: z.array(z.string()) }).meta({
  id: "Tenant",
});
export type Tenant = z.infer<typeof Tenant>;

export const TenantAnswer = z.object({ tenant: Tenant });

export const TenantList = z.object({ tenants: z.array(Tenant), total: z.number().int() });
export type TenantList = z.infer<typeof TenantList>;
