/** OpenAPI entries for the platform tier and the account endpoints. */
import { z } from "zod";
import {
  AcceptInvitationRequest,
  ChangePasswordRequest,
  InvitePlatformAdminRequest,
  LoginRequest,
  LoginResponse,
  LookupInvitationQuery,
} from "../auth/auth.schema";
import { registerRoute } from "../openapi/registry";
import type { RouteDoc } from "../openapi/registry";
import { AuditQuery, InviteMember, UsageQuery, UserListQuery } from "./admin.schema";

const Id = z.object({ id: z.string() });
const Link = z.object({ link: z.string(), expiresAt: z.string() });

let registered = false;

export function registerPlatformAdminDocs(): void {
  if (registered) return;
  registered = true;
  const route = (
    method: RouteDoc["method"],
    path: string,
    summary: string,
    extra: Partial<RouteDoc> = {},
  ) =>
    registerRoute({
      method,
      path,
      summary,
      tag: path.startsWith("/api/auth") ? "Accounts" : "Platform admin",
      security: "session",
      responses: { 200: { description: "OK" } },
      ...extra,
    });

  route("post", "/api/auth/login", "Log in (throttled; rotates the session)", {
    security: "none",
    body: LoginRequest,
    responses: { 200: { description: "Logged in; sets ns_session", schema: LoginResponse } },
  });
  route("post", "/api/auth/logout", "Log out");
  route("get", "/api/auth/me", "The logged-in user, CSRF token and memberships");
  route("post", "/api/auth/password", "Change password (needs the current one)", {
    body: ChangePasswordRequest,
  });
  route("get", "/api/auth/invitations/lookup", "What an invitation or reset link is for", {
    security: "none",
    query: LookupInvitationQuery,
  });
  route("post", "/api/auth/invitations/accept", "Accept an invitation or reset link; logs in", {
    security: "none",
    body: AcceptInvitationRequest,
    responses: { 200: { description: "Logged in; sets ns_session", schema: LoginResponse } },
  });

  route("post", "/api/platform/tenants/{id}/invitations", "Invite a member (e.g. the owner)", {
    params: Id,
    body: InviteMember,
    responses: { 201: { description: "Invited (returns the link)" } },
  });
  route("get", "/api/platform/tenants/{id}/usage", "Usage of one tenant by day", {
    params: Id,
    query: UsageQuery,
  });
  route("get", "/api/platform/usage", "Usage totals per tenant", { query: UsageQuery });
  route("get", "/api/platform/audit", "The audit log", { query: AuditQuery });
  route("get", "/api/platform/users", "Users", { query: UserListQuery });
  route("post", "/api/platform/users/{userId}/reset-link", "Issue a password reset link", {
    params: z.object({ userId: z.string() }),
    responses: { 201: { description: "Link", schema: Link } },
  });
  route("post", "/api/platform/invitations", "Invite a platform admin", {
    body: InvitePlatformAdminRequest,
    responses: { 201: { description: "Invited (returns the link)" } },
  });
}
