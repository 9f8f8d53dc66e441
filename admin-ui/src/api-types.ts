/**
 * Names for the API's response shapes. Nothing here is written by hand: every type is the body a
 * route's `c.json(...)` returns, as the typed client (api.ts, `hc<AppType>`) sees it, so a change
 * to a route's answer shows up in `npm run typecheck` wherever the app relies on it.
 */
import type { AgentConfig } from "@worker-types/workers/agents/agent-config.schema";
import type { InvitationRole } from "@worker-types/workers/auth/auth.schema";
import type { LeadStage } from "@worker-types/workers/leads/leads.schema";
import type { Answer, api } from "./api";

export type { AgentConfig, LeadStage };

export type Role = InvitationRole;

export type Me = Answer<typeof api.auth.me>;
export type Membership = Me["memberships"][number];
export type LoginAnswer = Answer<typeof api.auth.login>;
export type InvitationLookup = Answer<typeof api.auth.lookupInvitation>;

export type Tenant = Answer<typeof api.platform.tenants>["tenants"][number];
export type TemplateSummary = Answer<typeof api.platform.templates>["templates"][number];
export type Invitation = Answer<typeof api.platform.invite>["invitation"];
export type TenantUsage = Answer<typeof api.platform.tenantUsage>;
export type Usage = TenantUsage["totals"];
export type UsageOverview = Answer<typeof api.platform.usage>;
export type AuditEntry = Answer<typeof api.platform.audit>["entries"][number];
export type PlatformHealth = Answer<typeof api.platform.health>;
export type PlatformUser = Answer<typeof api.platform.users>["users"][number];
export type ResetLink = Answer<typeof api.platform.resetLink>;

export type Preview = Answer<typeof api.tenant.preview>;
export type CallRow = Answer<typeof api.tenant.calls>["calls"][number];
export type CallDetail = Answer<typeof api.tenant.call>;
export type Caller = Answer<typeof api.tenant.caller>["caller"];
export type TenantTemplate = Answer<typeof api.tenant.template>["template"];
export type Lead = Answer<typeof api.tenant.leads>["leads"][number];
export type LeadDetail = Answer<typeof api.tenant.lead>;
export type LeadEvent = LeadDetail["events"][number];
export type Member = Answer<typeof api.tenant.team>["members"][number];
export type ApiKeyRow = Answer<typeof api.tenant.apiKeys>["apiKeys"][number];
export type SecretsAnswer = Answer<typeof api.tenant.secrets>;
