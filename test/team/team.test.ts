import { beforeAll, describe, expect, it } from "vitest";
import { api, login, seedDemoTenants } from "../support/api";
import { PASSWORD, accept, memberOf, tenantWithOwner, uniqueEmail } from "../support/members";
import type { ErrorBody, TenantWithOwner } from "../support/members";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("team", () => {
  it("an owner invites staff, who appear as a pending invitation and then as a member", async () => {
    const email = uniqueEmail("staff");
    const invite = await api<{ link: string }>("POST", path("/team/invitations"), {
      auth: { session: t.owner },
      body: { email, role: "staff" },
    });
    expect(invite.status).toBe(201);
    const pending = await api<{ invitations: { email: string }[] }>("GET", path("/team"), {
      auth: { session: t.owner },
    });
    expect(pending.body.invitations.map((i) => i.email)).toContain(email);
    await accept(invite.body.link);
    const team = await api<{
      members: { email: string; role: string }[];
      invitations: { email: string }[];
    }>("GET", path("/team"), { auth: { session: t.owner } });
    expect(team.body.members).toContainEqual(expect.objectContaining({ email, role: "staff" }));
    expect(team.body.invitations.map((i) => i.email)).not.toContain(email);
  });

  it("an admin cannot invite an owner", async () => {
    const admin = await memberOf(t.id, "admin", t.owner);
    const res = await api<ErrorBody>("POST", path("/team/invitations"), {
      auth: { session: admin },
      body: { email: uniqueEmail(), role: "owner" },
    });
    expect(res.status).toBe(403);
  });

  it("refuses an invitation whose email is not an email, naming the field", async () => {
    const res = await api<ErrorBody>("POST", path("/team/invitations"), {
      auth: { session: t.owner },
      body: { email: "not-an-email", role: "staff" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("email");
  });

  it("a withdrawn invitation no longer works", async () => {
    const invite = await api<{ link: string; invitation: { id: string } }>(
      "POST",
      path("/team/invitations"),
      {
        auth: { session: t.owner },
        body: { email: uniqueEmail(), role: "staff" },
      },
    );
    expect(
      (
        await api("DELETE", path(`/team/invitations/${invite.body.invitation.id}`), {
          auth: { session: t.owner },
        })
      ).status,
    ).toBe(200);
    expect((await accept(invite.body.link)).status).toBe(410);
  });

  it("an owner changes a member's role", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const res = await api<{ member: { role: string } }>("PATCH", path(`/team/${staff.userId}`), {
      auth: { session: t.owner },
      body: { role: "admin" },
    });
    expect(res.body.member.role).toBe("admin");
    expect((await api("GET", path("/team"), { auth: { session: staff } })).status).toBe(200);
  });

  it("the last owner can be neither removed nor demoted", async () => {
    const removed = await api<ErrorBody>("DELETE", path(`/team/${t.owner.userId}`), {
      auth: { session: t.owner },
    });
    expect(removed.status).toBe(409);
    const demoted = await api<ErrorBody>("PATCH", path(`/team/${t.owner.userId}`), {
      auth: { session: t.owner },
      body: { role: "staff" },
    });
    expect(demoted.status).toBe(409);
    const team = await api<{ members: { userId: string; role: string }[] }>("GET", path("/team"), {
      auth: { session: t.owner },
    });
    expect(team.body.members).toContainEqual(
      expect.objectContaining({ userId: t.owner.userId, role: "owner" }),
    );
  });

  it("an admin cannot remove an owner", async () => {
    const admin = await memberOf(t.id, "admin", t.owner);
    const res = await api<ErrorBody>("DELETE", path(`/team/${t.owner.userId}`), {
      auth: { session: admin },
    });
    expect(res.status).toBe(403);
  });

  it("a removed member loses access at once", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    expect(
      (await api("DELETE", path(`/team/${staff.userId}`), { auth: { session: t.owner } })).status,
    ).toBe(200);
    expect((await api("GET", path("/calls"), { auth: { session: staff } })).status).toBe(403);
  });

  it("an owner's reset link lets a member of this tenant only set a new password", async () => {
    const staff = await memberOf(t.id, "staff", t.owner);
    const reset = await api<{ link: string }>("POST", path(`/team/${staff.userId}/reset-link`), {
      auth: { session: t.owner },
    });
    expect(reset.status).toBe(201);
    expect((await accept(reset.body.link, "owner-issued password")).status).toBe(200);
    expect((await login(staff.email, "owner-issued password")).userId).toBe(staff.userId);
  });

  it("an owner cannot issue a reset link for an account that also opens another tenant", async () => {
    await seedDemoTenants();
    const other = await memberOf("tnt_demo_smith", "staff");
    const invite = await api<{ link: string }>("POST", path("/team/invitations"), {
      auth: { session: t.owner },
      body: { email: other.email, role: "staff" },
    });
    await accept(invite.body.link, PASSWORD);
    const res = await api<ErrorBody>("POST", path(`/team/${other.userId}/reset-link`), {
      auth: { session: t.owner },
    });
    expect(res.status).toBe(403);
  });
});
