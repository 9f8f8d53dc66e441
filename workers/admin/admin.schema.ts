/** Request schemas of the admin API (both tiers). Each schema and its type share a name. */
import { z } from "zod";
import { Email, InvitationRole } from "../auth/auth.schema";
import { SecretName } from "../secrets/tenant-secrets";
import { Limit, Offset } from "../lib/paging";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const Day = z
  .string()
  .regex(DAY, "must be a date (YYYY-MM-DD)")
  .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)), "must be a real date");

// ---- platform tier ----

export const UsageQuery = z
  .object({ from: Day.optional(), to: Day.optional() })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, {
    path: ["to"],
    message: "must not be before from",
  });
export type UsageQuery = z.infer<typeof UsageQuery>;

export const AuditQuery = z
  .object({
    tenantId: z.string().max(100).optional(),
    action: z
      .string()
      .trim()
      .regex(
        /^[a-z_.]+\*?$/,
        "must be an action such as tenant.suspend, or a prefix such as team.*",
      )
      .optional(),
    actorId: z.string().max(100).optional(),
    limit: Limit,
    offset: Offset,
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

export const TenantAuditQuery = AuditQuery.pick({
  action: true,
  limit: true,
  offset: true,
}).strict();
export type TenantAuditQuery = z.infer<typeof TenantAuditQuery>;

export const UserListQuery = z
  .object({ search: z.string().trim().max(100).optional(), limit: Limit, offset: Offset })
  .strict();
export type UserListQuery = z.infer<typeof UserListQuery>;

// ---- tenant tier ----

export const InviteMember = z.object({ email: Email, role: InvitationRole }).strict();
export type InviteMember = z.infer<typeof InviteMember>;

export const ChangeRole = z.object({ role: InvitationRole }).strict();
export type ChangeRole = z.infer<typeof ChangeRole>;

export const CreateApiKeyRequest = z.object({ name: z.string().trim().min(1).max(80) }).strict();

export const SetSecretRequest = z
  .object({ value: z.string().trim().min(1, "must not be empty").max(500) })
  .strict();
export type SetSecretRequest = z.infer<typeof SetSecretRequest>;

export { SecretName };
