/** A tenant row as the rest of the code sees it: config parsed and validated. */
import { AgentConfig } from "../agents/agent-config.schema";
import type { tenants } from "../db/platform.schema";

export type TenantRow = typeof tenants.$inferSelect;

export interface TenantRecord {
  id: string;
  slug: string;
  businessName: string;
  status: TenantRow["status"];
  template: { name: string; version: number };
  agentConfig: AgentConfig;
  d1Binding: string;
  createdAt: string;
  updatedAt: string;
}

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
