import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, login, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import { PASSWORD, accept, memberOf, tokenOf, uniqueEmail } from "../support/members";
import type { ErrorBody } from "../support/members";

const TENANT = "tnt_demo_peterson";

async function inviteOwner(email = uniqueEmail("owner")) {
  await seedDemoTenants();
  const admin = await loginAsPlatformAdmin();
  const res = await api<{ link: string; invitation: { id: string; expiresAt: string } }>(
    "POST",
    `/api/platform/tenants/${TENANT}/invitations`,
    { auth: { session: admin }, body: { email, role: "owner" } },
  );
  expect(res.status).toBe(201);
  return { email, ...res.body };
}

async function userCount(email: string): Promise<number> {
  const row = await env.PLATFORM_DB.prepare("SELECT count(*) AS n FROM users WHERE email = ?")
    .bind(email)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("invitations", () => {
  it("returns the invite link on the admin app's accept page, for the inviter to pass on", async () => {
    const invite = await inviteOwner();
    expect(invite.link).toMatch(
      /^https:\/\/receptionist\.test\/#\/accept\?token=[A-Za-z0-9_-]{43}$/,
    );
  });

  it("stores only a hash of the link's token", async () => {
    const invite = await inviteOwner();
    const row = await env.PLATFORM_DB.prepare("SELECT token_hash FROM invitations WHERE id = ?")
      .bind(invite.invitation.id)
      .first<{ token_hash: string }>();
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_hash).not.toContain(tokenOf(invite.link));
  });

  it("shows what the link is for before the user sets a password", async () => {
    const invite = await inviteOwner();
    const res = await api<{ invitation: { email: string; role: string; tenant: { id: string } } }>(
      "GET",
      `/api/auth/invitations/lookup?token=${tokenOf(invite.link)}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.invitation).toMatchObject({
      email: invite.email,
      role: "owner",
      tenant: { id: TENANT },
    });
  });

  it("sets the password, makes the member and logs in when accepted", async () => {
    const invite = await inviteOwner();
    const res = await accept(invite.link, PASSWORD, "Pat Owner");
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^ns_session=[^;]{20,}; .*HttpOnly/);
    const session = await login(invite.email, PASSWORD);
    const me = await api<{
      user: { displayName: string };
      memberships: { tenantId: string; role: string }[];
    }>("GET", "/api/auth/me", { auth: { session } });
    expect(me.body.user.displayName).toBe("Pat Owner");
    expect(me.body.memberships).toContainEqual(
      expect.objectContaining({ tenantId: TENANT, role: "owner" }),
    );
  });

  it("works once: a second accept of the same link is refused with 410 invitation_used", async () => {
    const invite = await inviteOwner();
    expect((await accept(invite.link)).status).toBe(200);
    const again = await accept(invite.link, "another password entirely");
    expect(again.status).toBe(410);
    expect((again.body as unknown as ErrorBody).error.code).toBe("invitation_used");
    // The first password still stands.
    expect((await login(invite.email, PASSWORD)).userId).toBeTruthy();
  });

  it("refuses an expired invite with 410 invitation_expired and creates no account", async () => {
    const invite = await inviteOwner();
    await env.PLATFORM_DB.prepare("UPDATE invitations SET expires_at = ? WHERE id = ?")
      .bind(new Date(Date.now() - 1000).toISOString(), invite.invitation.id)
      .run();
    const res = await accept(invite.link);
    expect(res.status).toBe(410);
    expect((res.body as unknown as ErrorBody).error.code).toBe("invitation_expired");
    expect(await userCount(invite.email)).toBe(0);
  });

  it("refuses a made-up token with 404 invitation_not_found", async () => {
    const res = await api<ErrorBody>("POST", "/api/auth/invitations/accept", {
      body: { token: "A".repeat(43), password: PASSWORD },
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe("invitation_not_found");
  });

  it("refuses a short password naming the field, and the link stays usable", async () => {
    const invite = await inviteOwner();
    const res = await accept(invite.link, "short");
    expect(res.status).toBe(400);
    expect((res.body as unknown as ErrorBody).error.issues?.[0]?.path).toBe("password");
    expect(await userCount(invite.email)).toBe(0);
    expect((await accept(invite.link)).status).toBe(200);
  });

  it("adds an existing account to the tenant only with that account's own password", async () => {
    const existing = await memberOf("tnt_demo_smith", "staff");
    const invite = await inviteOwner(existing.email);
    const wrong = await accept(invite.link, "someone else's password");
    expect(wrong.status).toBe(400);
    expect((wrong.body as unknown as ErrorBody).error.code).toBe("wrong_password");
    expect((await accept(invite.link, PASSWORD)).status).toBe(200);
    const session = await login(existing.email, PASSWORD);
    const me = await api<{ memberships: { tenantId: string }[] }>("GET", "/api/auth/me", {
      auth: { session },
    });
    expect(me.body.memberships.map((m) => m.tenantId).sort()).toEqual(
      [TENANT, "tnt_demo_smith"].sort(),
    );
  });
});

describe("reset links", () => {
  it("a platform admin's reset link sets a new password and ends the user's sessions", async () => {
    await seedDemoTenants();
    const user = await memberOf("tnt_demo_smith", "staff");
    const admin = await loginAsPlatformAdmin();
    const reset = await api<{ link: string }>(
      "POST",
      `/api/platform/users/${user.userId}/reset-link`,
      {
        auth: { session: admin },
      },
    );
    expect(reset.status).toBe(201);
    const res = await accept(reset.body.link, "my reset password");
    expect(res.status).toBe(200);
    expect((await api("GET", "/api/auth/me", { auth: { session: user } })).status).toBe(401);
    expect((await login(user.email, "my reset password")).userId).toBe(user.userId);
  });

  it("a newer reset link replaces an older unused one", async () => {
    await seedDemoTenants();
    const user = await memberOf("tnt_demo_smith", "staff");
    const admin = await loginAsPlatformAdmin();
    const first = await api<{ link: string }>(
      "POST",
      `/api/platform/users/${user.userId}/reset-link`,
      {
        auth: { session: admin },
      },
    );
    await api("POST", `/api/platform/users/${user.userId}/reset-link`, {
      auth: { session: admin },
    });
    expect((await accept(first.body.link, "my reset password")).status).toBe(410);
  });
});
