/**
 * The app's API client: a thin typed wrapper over fetch.
 *
 * Request bodies are typed by the API's own zod schemas where those are plain zod modules
 * (agent config, tenants, auth, leads), so a field the API renames breaks `npm run typecheck`
 * here. (workers/admin/admin.schema.ts is not imported: it pulls Worker-runtime modules into
 * this DOM program.) Responses are typed by the interfaces in
 * `api-types.ts`, written from docs/ADMIN_API.md. The session lives in the HttpOnly cookie; the
 * CSRF token (from login or GET /api/auth/me) goes in `X-CSRF-Token` on every state-changing
 * request.
 */
import type { z } from "zod";
import type { AgentConfigPatch } from "../../workers/agents/agent-config.schema";
import type {
  AcceptInvitationRequest,
  ChangePasswordRequest,
  InviteMemberRequest,
  LoginRequest,
} from "../../workers/auth/auth.schema";
import type { MoveLead } from "../../workers/leads/leads.schema";
import type { CreateTenant } from "../../workers/tenancy/tenants.schema";
import type {
  AgentConfig,
  ApiKeyRow,
  AuditEntry,
  CallDetail,
  CallRow,
  Caller,
  Invitation,
  InvitationLookup,
  Lead,
  LeadStage,
  LoginAnswer,
  Me,
  Member,
  PlatformHealth,
  Preview,
  Role,
  SecretsAnswer,
  Tenant,
  TemplateSummary,
  TenantTemplate,
  TenantUsage,
  UsageOverview,
} from "./api-types";

export interface FieldIssue {
  path: string;
  message: string;
}

/** An error answer from the API: `{ error: { code, message, issues? } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the API says the session is gone, so the app can show the login screen. */
export function onSessionLost(handler: () => void): void {
  onUnauthenticated = handler;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toApiError(status: number, body: unknown): ApiError {
  const error = isRecord(body) && isRecord(body.error) ? body.error : null;
  const code = typeof error?.code === "string" ? error.code : `http_${status}`;
  const message =
    typeof error?.message === "string" ? error.message : `The server answered ${status}`;
  const issues = Array.isArray(error?.issues)
    ? error.issues.filter(
        (i): i is FieldIssue =>
          isRecord(i) && typeof i.path === "string" && typeof i.message === "string",
      )
    : [];
  return new ApiError(status, code, message, issues);
}

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === "") continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection.");
  }
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!res.ok) {
    const error = toApiError(res.status, parsed);
    if (res.status === 401 && path !== "/api/auth/login") onUnauthenticated?.();
    throw error;
  }
  return parsed as T;
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>("GET", withQuery(path, query)),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>("PATCH", path, body),
  put: <T>(path: string, body: unknown) => request<T>("PUT", path, body),
  delete: <T>(path: string) => request<T>("DELETE", path),
};

/** Encodes one path segment (ids, phone numbers). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}

// --- Endpoints (docs/ADMIN_API.md) -------------------------------------------------------------

const t = (tenantId: string, path = "") => `/api/tenants/${seg(tenantId)}${path}`;

export const api = {
  auth: {
    login: (body: z.input<typeof LoginRequest>) => http.post<LoginAnswer>("/api/auth/login", body),
    logout: () => http.post<{ ok: true }>("/api/auth/logout"),
    me: () => http.get<Me>("/api/auth/me"),
    changePassword: (body: z.input<typeof ChangePasswordRequest>) =>
      http.post<{ ok: true; csrfToken: string }>("/api/auth/password", body),
    lookupInvitation: (token: string) =>
      http.get<InvitationLookup>("/api/auth/invitations/lookup", { token }),
    acceptInvitation: (body: z.input<typeof AcceptInvitationRequest>) =>
      http.post<LoginAnswer>("/api/auth/invitations/accept", body),
  },
  platform: {
    tenants: (query: { search?: string; status?: string; limit?: number; offset?: number }) =>
      http.get<{ tenants: Tenant[]; total: number }>("/api/platform/tenants", query),
    tenant: (id: string) => http.get<{ tenant: Tenant }>(`/api/platform/tenants/${seg(id)}`),
    createTenant: (body: z.input<typeof CreateTenant>) =>
      http.post<{ tenant: Tenant }>("/api/platform/tenants", body),
    suspend: (id: string) =>
      http.post<{ tenant: Tenant }>(`/api/platform/tenants/${seg(id)}/suspend`),
    resume: (id: string) =>
      http.post<{ tenant: Tenant }>(`/api/platform/tenants/${seg(id)}/resume`),
    offboard: (id: string, confirmSlug: string) =>
      http.post<{ tenant: Tenant }>(`/api/platform/tenants/${seg(id)}/offboard`, { confirmSlug }),
    setTemplate: (id: string, template: string) =>
      http.put<{ tenant: Tenant }>(`/api/platform/tenants/${seg(id)}/template`, { template }),
    templates: () => http.get<{ templates: TemplateSummary[] }>("/api/platform/templates"),
    invite: (id: string, body: z.input<typeof InviteMemberRequest>) =>
      http.post<{ invitation: Invitation; link: string }>(
        `/api/platform/tenants/${seg(id)}/invitations`,
        body,
      ),
    tenantUsage: (id: string, query: { from?: string; to?: string } = {}) =>
      http.get<TenantUsage>(`/api/platform/tenants/${seg(id)}/usage`, query),
    usage: (query: { from?: string; to?: string } = {}) =>
      http.get<UsageOverview>("/api/platform/usage", query),
    health: () => http.get<PlatformHealth>("/api/platform/health"),
    audit: (query: { tenantId?: string; action?: string; limit?: number; offset?: number }) =>
      http.get<{ entries: AuditEntry[]; total: number }>("/api/platform/audit", query),
  },
  tenant: {
    get: (id: string) => http.get<{ tenant: Tenant }>(t(id)),
    agent: (id: string) => http.get<{ agentConfig: AgentConfig }>(t(id, "/agent")),
    updateAgent: (id: string, patch: z.input<typeof AgentConfigPatch>) =>
      http.patch<{ agentConfig: AgentConfig }>(t(id, "/agent"), patch),
    preview: (
      id: string,
      body: { agentConfig?: z.input<typeof AgentConfigPatch>; callerFirstName?: string | null },
    ) => http.post<Preview>(t(id, "/agent/preview"), body),
    calls: (
      id: string,
      query: {
        from?: string;
        to?: string;
        outcome?: string;
        status?: string;
        caller?: string;
        limit?: number;
        offset?: number;
      },
    ) => http.get<{ calls: CallRow[]; total: number }>(t(id, "/calls"), query),
    call: (id: string, callSid: string) => http.get<CallDetail>(t(id, `/calls/${seg(callSid)}`)),
    callers: (id: string, query: { search?: string; limit?: number; offset?: number }) =>
      http.get<{ callers: Caller[]; total?: number }>(t(id, "/callers"), query),
    caller: (id: string, phone: string) =>
      http.get<{ caller: Caller }>(t(id, `/callers/${seg(phone)}`)),
    updateProfile: (id: string, phone: string, profile: Record<string, unknown>) =>
      http.patch<{ caller: Caller; applied: string[] }>(t(id, `/callers/${seg(phone)}/profile`), {
        profile,
      }),
    template: (id: string) => http.get<{ template: TenantTemplate }>(t(id, "/template")),
    leads: (id: string, query: { stage?: string; limit?: number; offset?: number }) =>
      http.get<{ leads: Lead[]; total: number }>(t(id, "/leads"), query),
    board: (id: string) =>
      http.get<{ stages: { stage: LeadStage; leads: Lead[]; total: number }[] }>(
        t(id, "/leads/board"),
      ),
    moveLead: (id: string, leadId: string, body: z.input<typeof MoveLead>) =>
      http.post<{ lead: Lead }>(t(id, `/leads/${seg(leadId)}/stage`), body),
    team: (id: string) =>
      http.get<{ members: Member[]; invitations: Omit<Invitation, "tenantId">[] }>(t(id, "/team")),
    invite: (id: string, body: z.input<typeof InviteMemberRequest>) =>
      http.post<{ invitation: Invitation; link: string }>(t(id, "/team/invitations"), body),
    revokeInvitation: (id: string, invitationId: string) =>
      http.delete<{ ok: true }>(t(id, `/team/invitations/${seg(invitationId)}`)),
    changeRole: (id: string, userId: string, role: Role) =>
      http.patch<{ member: Member }>(t(id, `/team/${seg(userId)}`), { role }),
    removeMember: (id: string, userId: string) =>
      http.delete<{ ok: true }>(t(id, `/team/${seg(userId)}`)),
    apiKeys: (id: string) => http.get<{ apiKeys: ApiKeyRow[] }>(t(id, "/api-keys")),
    createApiKey: (id: string, name: string) =>
      http.post<{ apiKey: ApiKeyRow & { key: string } }>(t(id, "/api-keys"), { name }),
    revokeApiKey: (id: string, keyId: string) =>
      http.delete<{ apiKey: ApiKeyRow }>(t(id, `/api-keys/${seg(keyId)}`)),
    secrets: (id: string) => http.get<SecretsAnswer>(t(id, "/secrets")),
    setSecret: (id: string, name: string, value: string) =>
      http.put<{ secret: { name: string; updatedAt: string } }>(t(id, `/secrets/${seg(name)}`), {
        value,
      }),
    deleteSecret: (id: string, name: string) =>
      http.delete<{ ok: true }>(t(id, `/secrets/${seg(name)}`)),
    audit: (id: string, query: { action?: string; limit?: number; offset?: number }) =>
      http.get<{ entries: AuditEntry[]; total: number }>(t(id, "/audit"), query),
  },
};
