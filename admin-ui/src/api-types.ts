/**
 * Response shapes of the admin API, as documented in docs/ADMIN_API.md. Request bodies are typed
 * from the API's zod schemas instead (see api.ts), so they cannot drift from validation.
 */
import type { AgentConfig } from "../../workers/agents/agent-config.schema";
import type { FieldDefinition, GroupDefinition } from "../../workers/templates/template.schema";

export type { AgentConfig };

export type Role = "owner" | "admin" | "staff";
export type TenantStatus = "active" | "suspended" | "offboarded";

export interface User {
  id: string;
  email: string;
  displayName: string | null;
  isPlatformAdmin: boolean;
}

export interface Membership {
  tenantId: string;
  role: Role;
  businessName: string;
  slug: string;
  status: TenantStatus;
}

export interface Me {
  user: User;
  csrfToken: string;
  memberships: Membership[];
}

export interface LoginAnswer {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export interface InvitationLookup {
  invitation: {
    kind: "invite" | "reset";
    email: string;
    role: Role | "platform_admin" | null;
    tenant: { id: string; businessName: string } | null;
    expiresAt: string;
    existingAccount: boolean;
  };
}

export interface Tenant {
  id: string;
  slug: string;
  businessName: string;
  status: TenantStatus;
  template: { name: string; version: number };
  agentConfig: AgentConfig;
  d1Binding?: string;
  phoneNumbers?: string[];
  createdAt?: string;
  updatedAt?: string;
}

export interface TemplateSummary {
  id: string;
  name: string;
  version: number;
  label: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role | "platform_admin";
  tenantId: string | null;
  expiresAt: string;
  createdAt: string;
}

export interface Usage {
  calls: number;
  minutes: number;
  callSeconds: number;
  modelInputTokens: number;
  modelOutputTokens: number;
  smsSent: number;
}

export interface TenantUsage {
  tenantId: string;
  from: string;
  to: string;
  totals: Usage;
  days: (Usage & { day: string })[];
}

export interface UsageOverview {
  from: string;
  to: string;
  tenants: { tenantId: string; slug: string; businessName: string; totals: Usage }[];
}

export interface AuditEntry {
  id: number;
  at: string;
  actorType: "user" | "api_key" | "system" | "twilio";
  actorId: string | null;
  actorEmail: string | null;
  tenantId: string | null;
  action: string;
  target: string | null;
  detail: Record<string, unknown> | null;
  requestId: string | null;
}

export interface PlatformHealth {
  ok: boolean;
  expectedTenantMigrations?: number;
  tenants?: Record<string, unknown>[];
  pool?: Record<string, unknown>[];
}

export interface Preview {
  greeting: string;
  greetingUnknownCaller: string;
  instructions: string;
}

export interface CallRow {
  callSid: string;
  callerId: string | null;
  callerName: string | null;
  fromNumber: string;
  toNumber: string;
  direction: string;
  status: string;
  outcome: string | null;
  startedAt: string;
  endedAt: string | null;
  durationSeconds: number | null;
  endReason: string | null;
  transferredTo: string | null;
  toolsUsed: string[];
  postCallStatus: string | null;
  summary: string | null;
}

export interface CallDetail {
  call: CallRow;
  transcript: { seq: number; speaker: "caller" | "agent" | "system"; text: string; at: string }[];
  summary: {
    summary: string;
    method: string;
    sentiment: string | null;
    openItems: string[];
    createdAt: string;
  } | null;
  metrics: { metric: string; value: number }[];
}

export interface Caller {
  id: string;
  phone: string;
  firstName: string | null;
  lastName: string | null;
  profile: Record<string, unknown>;
  profileTemplate: string | null;
  bio: string | null;
  callCount: number;
  lastCallAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface TenantTemplate {
  id: string;
  name: string;
  version: number;
  label: string;
  fields: FieldDefinition[];
  groups: GroupDefinition[];
}

export type LeadStage = "new" | "contacted" | "qualified" | "won" | "lost";

export interface Lead {
  id: string;
  callerId: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  reason: string | null;
  source: string | null;
  stage: LeadStage;
  callSid: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string | null;
  role: Role;
  status: string;
  joinedAt: string;
}

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface SecretsAnswer {
  secrets: { name: string; updatedAt: string }[];
  names: string[];
}
