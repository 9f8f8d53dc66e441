/** Reading the audit log: the filters and the entries. */
import { z } from "zod";
import { Limit, Offset } from "../lib/paging";

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

export const AuditEntryView = z
  .object({
    id: z.number(),
    at: z.string(),
    actorType: z.string(),
    actorId: z.string().nullable(),
    actorEmail: z.string().nullable(),
    tenantId: z.string().nullable(),
    action: z.string(),
    target: z.string().nullable(),
    detail: z.unknown(),
    requestId: z.string().nullable(),
  })
  .meta({ id: "AuditEntry" });
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPage = z.object({ entries: z.array(AuditEntryView), total: z.number() });
