/**
 * The app's API client: Hono's `hc<AppType>`, typed by the Worker's own routes.
 *
 * `AppType` (workers/app.ts) comes from declaration files that `npm run typecheck` emits first
 * (`npm run types:worker`, tsconfig.worker-types.json → node_modules/.cache/worker-types), so this
 * DOM program never type-checks Worker source; only the routes' JSON shapes reach it. Paths are
 * checked (a renamed or removed route breaks `npm run typecheck` here) and every response type is
 * what the route's `c.json(...)` returns (see api-types.ts, which only names them).
 *
 * Every route is a contract (workers/http/contract.ts): its request schemas type what hc sends
 * (`JsonOf`, `FormQuery` below) and its response schemas what comes back, so no body type is
 * written here by hand.
 *
 * The session lives in the HttpOnly cookie; the CSRF token (from login or GET /api/auth/me) goes in
 * `X-CSRF-Token` on every state-changing request. A non-2xx answer becomes an `ApiError`.
 */
import { hc } from "hono/client";
import type { ClientResponse, InferRequestType } from "hono/client";
import type { AppType } from "@worker-types/workers/app";

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

/**
 * The fetch hc uses: same-origin cookie, JSON accept, the CSRF header on writes, and every
 * non-2xx answer (or no answer) thrown as an ApiError, so callers only ever see success bodies.
 */
async function apiFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const method = (init?.method ?? "GET").toUpperCase();
  const headers = new Headers(init?.headers);
  headers.set("accept", "application/json");
  if (method !== "GET" && method !== "HEAD" && csrfToken) headers.set("x-csrf-token", csrfToken);
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  let res: Response;
  try {
    res = await fetch(input, { ...init, headers, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network_error", "Could not reach the server. Check your connection.");
  }
  if (res.ok) return res;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  if (res.status === 401 && !url.endsWith("/api/auth/login")) onUnauthenticated?.();
  throw toApiError(res.status, parsed);
}

/** Typed by the whole route chain of the Worker (workers/app.ts). */
export const client = hc<AppType>("/", { fetch: apiFetch });

/**
 * The success body of a typed hc call. Contract routes also list the error shape (their
 * `default` response), which apiFetch throws as an ApiError, so it is dropped from the type.
 */
type SuccessBody<R> =
  R extends ClientResponse<infer T, number, "json">
    ? T extends { error: { code: string; message: string } }
      ? never
      : T
    : never;

async function data<R extends ClientResponse<unknown, number, "json">>(
  pending: Promise<R>,
): Promise<SuccessBody<R>> {
  const res = await pending;
  return (await res.json()) as SuccessBody<R>;
}

type QueryValue = string | number | boolean | null | undefined;

/** Drops empty values, so an empty filter field is no filter. */
function cleanQuery(query: object): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query) as [string, QueryValue][]) {
    if (value === null || value === undefined || value === "") continue;
    out[key] = String(value);
  }
  return out;
}

// --- Endpoints (docs/ADMIN_API.md) -------------------------------------------------------------

const auth = client.api.auth;
const platform = client.api.platform;
const tenants = client.api.tenants[":tenantId"];
const p = (tenantId: string) => ({ param: { tenantId } });
/** A secret's name, as the route's path parameter declares it. */
type SecretName = InferRequestType<(typeof tenants.secrets)[":name"]["$put"]>["param"]["name"];

/** The JSON body a contract route declares, as hc types it. */
type JsonOf<F> = InferRequestType<F> extends { json: infer J } ? J : never;
/** A contract route's query as the forms hold it: any field may be a string, or empty. */
type FormQuery<F> =
  InferRequestType<F> extends { query: infer Q }
    ? { [K in keyof Q]?: Q[K] | string | number | null }
    : never;

export const api = {
  auth: {
    login: (body: JsonOf<typeof auth.login.$post>) => data(auth.login.$post({ json: body })),
    logout: () => data(auth.logout.$post()),
    me: () => data(auth.me.$get()),
    changePassword: (body: JsonOf<typeof auth.password.$post>) =>
      data(auth.password.$post({ json: body })),
    lookupInvitation: (token: string) => data(auth.invitations.lookup.$get({ query: { token } })),
    acceptInvitation: (body: JsonOf<typeof auth.invitations.accept.$post>) =>
      data(auth.invitations.accept.$post({ json: body })),
  },
  platform: {
    tenants: (query: FormQuery<typeof platform.tenants.$get>) =>
      data(platform.tenants.$get({ query: cleanQuery(query) })),
    tenant: (id: string) => data(platform.tenants[":id"].$get({ param: { id } })),
    createTenant: (body: JsonOf<typeof platform.tenants.$post>) =>
      data(platform.tenants.$post({ json: body })),
    suspend: (id: string) => data(platform.tenants[":id"].suspend.$post({ param: { id } })),
    resume: (id: string) => data(platform.tenants[":id"].resume.$post({ param: { id } })),
    offboard: (id: string, confirmSlug: string) =>
      data(platform.tenants[":id"].offboard.$post({ param: { id }, json: { confirmSlug } })),
    setTemplate: (id: string, template: string) =>
      data(platform.tenants[":id"].template.$put({ param: { id }, json: { template } })),
    templates: () => data(platform.templates.$get()),
    invite: (id: string, body: JsonOf<(typeof platform.tenants)[":id"]["invitations"]["$post"]>) =>
      data(platform.tenants[":id"].invitations.$post({ param: { id }, json: body })),
    tenantUsage: (
      id: string,
      query: FormQuery<(typeof platform.tenants)[":id"]["usage"]["$get"]> = {},
    ) => data(platform.tenants[":id"].usage.$get({ param: { id }, query: cleanQuery(query) })),
    usage: (query: FormQuery<typeof platform.usage.$get> = {}) =>
      data(platform.usage.$get({ query: cleanQuery(query) })),
    health: () => data(platform.health.$get()),
    audit: (query: FormQuery<typeof platform.audit.$get>) =>
      data(platform.audit.$get({ query: cleanQuery(query) })),
    users: (query: FormQuery<typeof platform.users.$get>) =>
      data(platform.users.$get({ query: cleanQuery(query) })),
    resetLink: (userId: string) =>
      data(platform.users[":userId"]["reset-link"].$post({ param: { userId } })),
    invitePlatformAdmin: (body: JsonOf<typeof platform.invitations.$post>) =>
      data(platform.invitations.$post({ json: body })),
  },
  tenant: {
    get: (id: string) => data(tenants.$get(p(id))),
    agent: (id: string) => data(tenants.agent.$get(p(id))),
    updateAgent: (id: string, patch: JsonOf<typeof tenants.agent.$patch>) =>
      data(tenants.agent.$patch({ ...p(id), json: patch })),
    preview: (id: string, body: JsonOf<typeof tenants.agent.preview.$post>) =>
      data(tenants.agent.preview.$post({ ...p(id), json: body })),
    calls: (id: string, query: FormQuery<typeof tenants.calls.$get>) =>
      data(tenants.calls.$get({ ...p(id), query: cleanQuery(query) })),
    call: (id: string, callSid: string) =>
      data(tenants.calls[":callSid"].$get({ param: { tenantId: id, callSid } })),
    callers: (id: string, query: FormQuery<typeof tenants.callers.$get>) =>
      data(tenants.callers.$get({ ...p(id), query: cleanQuery(query) })),
    caller: (id: string, phone: string) =>
      data(tenants.callers[":phone"].$get({ param: { tenantId: id, phone } })),
    updateProfile: (id: string, phone: string, profile: Record<string, unknown>) =>
      data(
        tenants.callers[":phone"].profile.$patch({
          param: { tenantId: id, phone },
          json: { profile },
        }),
      ),
    template: (id: string) => data(tenants.template.$get(p(id))),
    leads: (id: string, query: FormQuery<typeof tenants.leads.$get>) =>
      data(tenants.leads.$get({ ...p(id), query: cleanQuery(query) })),
    board: (id: string) => data(tenants.leads.board.$get(p(id))),
    lead: (id: string, leadId: string) =>
      data(tenants.leads[":id"].$get({ param: { tenantId: id, id: leadId } })),
    moveLead: (
      id: string,
      leadId: string,
      body: JsonOf<(typeof tenants.leads)[":id"]["stage"]["$post"]>,
    ) =>
      data(tenants.leads[":id"].stage.$post({ param: { tenantId: id, id: leadId }, json: body })),
    team: (id: string) => data(tenants.team.$get(p(id))),
    invite: (id: string, body: JsonOf<typeof tenants.team.invitations.$post>) =>
      data(tenants.team.invitations.$post({ ...p(id), json: body })),
    revokeInvitation: (id: string, invitationId: string) =>
      data(tenants.team.invitations[":id"].$delete({ param: { tenantId: id, id: invitationId } })),
    changeRole: (
      id: string,
      userId: string,
      role: JsonOf<(typeof tenants.team)[":userId"]["$patch"]>["role"],
    ) => data(tenants.team[":userId"].$patch({ param: { tenantId: id, userId }, json: { role } })),
    removeMember: (id: string, userId: string) =>
      data(tenants.team[":userId"].$delete({ param: { tenantId: id, userId } })),
    resetLink: (id: string, userId: string) =>
      data(tenants.team[":userId"]["reset-link"].$post({ param: { tenantId: id, userId } })),
    apiKeys: (id: string) => data(tenants["api-keys"].$get(p(id))),
    createApiKey: (id: string, name: string) =>
      data(tenants["api-keys"].$post({ ...p(id), json: { name } })),
    revokeApiKey: (id: string, keyId: string) =>
      data(tenants["api-keys"][":id"].$delete({ param: { tenantId: id, id: keyId } })),
    secrets: (id: string) => data(tenants.secrets.$get(p(id))),
    setSecret: (id: string, name: SecretName, value: string) =>
      data(tenants.secrets[":name"].$put({ param: { tenantId: id, name }, json: { value } })),
    deleteSecret: (id: string, name: SecretName) =>
      data(tenants.secrets[":name"].$delete({ param: { tenantId: id, name } })),
    audit: (id: string, query: FormQuery<typeof tenants.audit.$get>) =>
      data(tenants.audit.$get({ ...p(id), query: cleanQuery(query) })),
  },
};

/** The success body of an `api` call, e.g. `Answer<typeof api.tenant.call>`. */
export type Answer<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;
