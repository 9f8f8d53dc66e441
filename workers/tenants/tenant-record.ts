/** A tenant row as the rest of the code sees it: config parsed and validated. */
import { AgentConfig } from "../agents/agent-config.schema";
import type { tenants } from "../db/platform.schema";
import type { TenantRecord } from "./tenants.schema";

export type TenantRow = typeof tenants.$inferSelect;

export function toTenantRecord(row: TenantRow): TenantRecord {
  return {
    id: row.id,
    slug: row.slug,
    businessName: row.businessName,
    status: row.status,
    template: { name: row.templateName, version: row.templateVersion },
    agentConfig: AgentConfig.parse(JSON.parse(row.agentConfig)),
    d1Binding: row.d1Binding,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
