/** What a tenant's own members and keys see of the tenant. */
import { z } from "zod";
import { AgentConfig } from "../agents/agent-config.schema";

export const TenantSelf = z
  .object({
    tenant: z.object({
      id: z.string(),
      slug: z.string(),
      businessName: z.string(),
      status: z.enum(["active", "suspended", "offboarded"]),
      template: z.object({ name: z.string(), version: z.number().int() }),
      agentConfig: AgentConfig,
    }),
  })
  .meta({ id: "TenantSelf" });
