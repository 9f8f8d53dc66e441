import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api, login, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import type { Session } from "../support/api";
import { PASSWORD, accept, memberOf, tenantWithOwner, uniqueEmail } from "../support/members";
import type { ErrorBody, TenantWithOwner } from "../support/members";

let t: TenantWithOwner;
beforeAll(async () => {
  await seedDemoTenants();
  t = await tenantWithOwner();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

async function ownerResetLink(userId: string, owner: Session = t.owner): Promise<string> {
  const res = await api<{ link: string }>("POST", path(`/team/${userId}/reset-link`), {
    auth: { session: owner },
  });
  expect(res.status).toBe(201);
  return res.body.link;
}

async function operatorInvite(
  email: string,
  target: { tenantId: string; role: "owner" | "admin" | "staff" } | "platform_admin",
): Promise<string> {
  const admin = await loginAsPlatformAdmin();
  const res =
    target === "platform_admin"
      ? await api<{ link: string }>("POST", "/api/platform/invitations", {
          auth: { session: admin },
          body: { email },
        })
      : await api<{ link: string }>(
          "POST",
          `/api/platform/tenants/${target.tenantId}/invitations`,
          {
            auth: { session: admin },
            body: { email, role: target.role },
          },
        );
  expect(res.status).toBe(201);
  return res.body.link;
}

async function roleIn(tenantId: string, userId: string): Promise<string | null> {
  const row = await env.PLATFORM_DB.prepare(
    "SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?",
  )
    .bind(tenantId, userId)
    .first<{ role: string }>();
  return row?.role ?? null;
}

describe("an owner's reset link is checked again when it is used", () => {
  it("no longer sets the password once the account has joined another tenant", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const link = await ownerResetLink(staff.userId);
    const joined = await accept(
      await operatorInvite(staff.email, { tenantId: "tnt_demo_smith", role: "staff" }),
      PASSWORD,
    );
    expect(joined.status).toBe(200);
    const res = await accept(link, "taken over password");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect((await login(staff.email, PASSWORD)).userId).toBe(staff.userId);
  });

  it("no longer sets the password once the account has become a platform admin", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const link = await ownerResetLink(staff.userId);
    expect(
      (await accept(await operatorInvite(staff.email, "platform_admin"), PASSWORD)).status,
    ).toBe(200);
    const res = await accept(link, "taken over password");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect((await login(staff.email, PASSWORD)).userId).toBe(staff.userId);
  });

  it("answers 403 when the owner who issued it is no longer an owner", async () => {
    const secondOwner = await memberOf(t.id, "owner", t.owner);
    const staff = await memberOf(t.id, "staff", t.owner);
    const link = await ownerResetLink(staff.userId, secondOwner);
    const demoted = await api("PATCH", path(`/team/${secondOwner.userId}`), {
      auth: { session: t.owner },
      body: { role: "staff" },
    });
    expect(demoted.status).toBe(200);
    const res = await accept(link, "taken over password");
    expect(res.status).toBe(403);
    expect((await login(staff.email, PASSWORD)).userId).toBe(staff.userId);
  });

  it("answers 403 when an operator's reset link is used after its issuer stopped being an operator", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const operatorEmail = uniqueEmail("operator");
    const joined = await accept(await operatorInvite(operatorEmail, "platform_admin"));
    expect(joined.status).toBe(200);
    const operator = await login(operatorEmail, PASSWORD);
    const reset = await api<{ link: string }>(
      "POST",
      `/api/platform/users/${staff.userId}/reset-link`,
      { auth: { session: operator } },
    );
    expect(reset.status).toBe(201);
    await env.PLATFORM_DB.prepare("UPDATE users SET is_platform_admin = 0 WHERE id = ?")
      .bind(operator.userId)
      .run();
    expect((await accept(reset.body.link, "taken over password")).status).toBe(403);
  });
});

describe("unused links are revoked when the account changes", () => {
  it("a reset link stops working once the member changes their own password", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const link = await ownerResetLink(staff.userId);
    const changed = await api("POST", "/api/auth/password", {
      auth: { session: staff },
      body: { currentPassword: PASSWORD, newPassword: "my own new password" },
    });
    expect(changed.status).toBe(200);
    const res = await accept(link, "taken over password");
    expect(res.status).toBe(410);
    expect((await login(staff.email, "my own new password")).userId).toBe(staff.userId);
  });

  it("a reset link stops working once the member's role changes", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const link = await ownerResetLink(staff.userId);
    await api("PATCH", path(`/team/${staff.userId}`), {
      auth: { session: t.owner },
      body: { role: "admin" },
    });
    expect((await accept(link, "taken over password")).status).toBe(410);
  });

  it("a pending invitation into a tenant stops working once the person joins it another way", async () => {
    const email = uniqueEmail("twice");
    const staffInvite = await operatorInvite(email, { tenantId: t.id, role: "staff" });
    expect(
      (await accept(await operatorInvite(email, { tenantId: t.id, role: "owner" }))).status,
    ).toBe(200);
    const stale = await accept(staffInvite, PASSWORD);
    expect(stale.status).toBe(410);
  });
});

describe("an invitation is checked again when it is accepted", () => {
  it("never lowers the role of someone already a member, so the owner stays owner", async () => {
    const fresh = await tenantWithOwner();
    const link = await operatorInvite(fresh.owner.email, { tenantId: fresh.id, role: "staff" });
    const res = await api<ErrorBody>("POST", "/api/auth/invitations/accept", {
      body: {
        token: new URL(link.replace("/#/", "/")).searchParams.get("token"),
        password: PASSWORD,
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("already_member");
    expect(await roleIn(fresh.id, fresh.owner.userId)).toBe("owner");
  });

  it("answers 403 when the admin who invited has since left the tenant", async () => {
    const admin = await memberOf(t.id, "admin", t.owner);
    const invite = await api<{ link: string }>("POST", path("/team/invitations"), {
      auth: { session: admin },
      body: { email: uniqueEmail("invitee"), role: "admin" },
    });
    expect(invite.status).toBe(201);
    expect(
      (await api("DELETE", path(`/team/${admin.userId}`), { auth: { session: t.owner } })).status,
    ).toBe(200);
    const res = await accept(invite.body.link);
    expect(res.status).toBe(403);
  });
});
