/** Helpers for admin tests: tenants with real members who joined through invitation links. */
import { api, loginAsPlatformAdmin } from "./api";
import type { Session } from "./api";
import { createTenantWithKey } from "./tenants";
import type { CreatedTenant } from "./tenants";

export const PASSWORD = "a long enough password";

let n = 0;
export function uniqueEmail(label = "user"): string {
  n += 1;
  return `${label}-${Date.now().toString(36)}-${n}-${Math.floor(Math.random() * 1e6)}@example.test`;
}

export function tokenOf(link: string): string {
  const token = new URL(link.replace("/#/", "/")).searchParams.get("token");
  if (!token) throw new Error(`no token in ${link}`);
  return token;
}

function sessionFrom(res: { headers: Headers; body: unknown }): Session {
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const body = res.body as { csrfToken: string; user: { id: string } };
  return { cookie, csrfToken: body.csrfToken, userId: body.user.id };
}

export async function accept(link: string, password = PASSWORD, displayName?: string) {
  return api<{ csrfToken: string; user: { id: string; email: string } }>(
    "POST",
    "/api/auth/invitations/accept",
    { body: { token: tokenOf(link), password, ...(displayName ? { displayName } : {}) } },
  );
}

/** A member of `tenantId` with `role`, invited by `inviter` (the platform admin by default). */
export async function memberOf(
  tenantId: string,
  role: "owner" | "admin" | "staff",
  inviter?: Session,
): Promise<Session & { email: string }> {
  const email = uniqueEmail(role);
  const invite = inviter
    ? await api<{ link: string }>("POST", `/api/tenants/${tenantId}/team/invitations`, {
        auth: { session: inviter },
        body: { email, role },
      })
    : await api<{ link: string }>("POST", `/api/platform/tenants/${tenantId}/invitations`, {
        auth: { session: await loginAsPlatformAdmin() },
        body: { email, role },
      });
  if (invite.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invite.body)}`);
  const accepted = await accept(invite.body.link);
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return { ...sessionFrom(accepted), email };
}

export interface TenantWithOwner extends CreatedTenant {
  owner: Session & { email: string };
}

export async function tenantWithOwner(template = "insurance_v1"): Promise<TenantWithOwner> {
  const tenant = await createTenantWithKey(template, "Admin Test Agency");
  return { ...tenant, owner: await memberOf(tenant.id, "owner") };
}

export type ErrorBody = { error: { code: string; message: string; issues?: { path: string }[] } };
