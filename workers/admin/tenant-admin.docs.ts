/** OpenAPI entries for the tenant tier of the admin API, from the schemas the routes parse. */
import { z } from "zod";
import { registerRoute } from "../openapi/registry";
import type { RouteDoc } from "../openapi/registry";
import {
  ChangeRole,
  CreateApiKeyRequest,
  InviteMember,
  SecretName,
  SetSecretRequest,
  TenantAuditQuery,
} from "./admin.schema";

const TAG = "Tenant admin";
const base = "/api/tenants/{tenantId}";
const TenantParam = z.object({ tenantId: z.string() });

const Ok = z.object({ ok: z.literal(true) });
const Link = z.object({ link: z.string(), expiresAt: z.string() });
const Invitation = z.object({
  id: z.string(),
  email: z.string(),
  role: z.string().nullable(),
  tenantId: z.string().nullable(),
  expiresAt: z.string(),
  createdAt: z.string(),
});
const ApiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

let registered = false;

export function registerTenantAdminDocs(): void {
  if (registered) return;
  registered = true;
  const route = (
    method: RouteDoc["method"],
    path: string,
    summary: string,
    extra: Partial<RouteDoc> & { extraParams?: Record<string, z.ZodType> } = {},
  ) => {
    const { extraParams, ...rest } = extra;
    registerRoute({
      method,
      path: `${base}${path}`,
      summary,
      tag: TAG,
      security: "apiKeyOrSession",
      params: extraParams ? TenantParam.extend(extraParams) : TenantParam,
      responses: { 200: { description: "OK" } },
      ...rest,
    });
  };
  route("get", "/team", "Members and pending invitations", { security: "session" });
  route("post", "/team/invitations", "Invite a member (returns the single-use link)", {
    security: "session",
    body: InviteMember,
    responses: {
      201: {
        description: "Invited",
        schema: z.object({ invitation: Invitation, link: z.string() }),
      },
    },
  });
  route("delete", "/team/invitations/{id}", "Withdraw a pending invitation", {
    security: "session",
    extraParams: { id: z.string() },
    responses: { 200: { description: "Withdrawn", schema: Ok } },
  });
  route("patch", "/team/{userId}", "Change a member's role", {
    security: "session",
    extraParams: { userId: z.string() },
    body: ChangeRole,
  });
  route("delete", "/team/{userId}", "Remove a member (never the last owner)", {
    security: "session",
    extraParams: { userId: z.string() },
    responses: { 200: { description: "Removed", schema: Ok } },
  });
  route("post", "/team/{userId}/reset-link", "Issue a password reset link (owners)", {
    security: "session",
    extraParams: { userId: z.string() },
    responses: { 201: { description: "Link", schema: Link } },
  });
  route("get", "/api-keys", "API keys (never the key itself)", {
    security: "session",
    responses: { 200: { description: "OK", schema: z.object({ apiKeys: z.array(ApiKeyView) }) } },
  });
  route("post", "/api-keys", "Create an API key (shown once)", {
    security: "session",
    body: CreateApiKeyRequest,
  });
  route("delete", "/api-keys/{id}", "Revoke an API key", {
    security: "session",
    extraParams: { id: z.string() },
    responses: { 200: { description: "Revoked", schema: z.object({ apiKey: ApiKeyView }) } },
  });
  route("get", "/secrets", "Which bring-your-own keys are set (names and dates only)", {
    security: "session",
  });
  route("put", "/secrets/{name}", "Set a bring-your-own key (write-only)", {
    security: "session",
    extraParams: { name: SecretName },
    body: SetSecretRequest,
  });
  route("delete", "/secrets/{name}", "Delete a bring-your-own key", {
    security: "session",
    extraParams: { name: SecretName },
    responses: { 200: { description: "Deleted", schema: Ok } },
  });
  route("get", "/audit", "The tenant's audit log", {
    security: "session",
    query: TenantAuditQuery,
  });
}
