import { z } from "zod";
import { AgentConfigPatch } from "../agents/agent-config.schema";
import { PhoneNumber } from "../lib/phone";

export const Slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/, "must be 3–40 lowercase letters, digits or dashes");

export const TemplateId = z.string().regex(/^[a-z][a-z_]*_v\d+$/, "must look like insurance_v1");

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
    status: z.enum(["active", "suspended", "offboarded"]).optional(),
    template: TemplateId.optional(),
    agentConfig: AgentConfigPatch.optional(),
    addPhoneNumbers: z.array(PhoneNumber).max(10).optional(),
    removePhoneNumbers: z.array(PhoneNumber).max(10).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, "send at least one field to change");
export type UpdateTenant = z.infer<typeof UpdateTenant>;
