import { describe, expect, it } from "vitest";
import { api, seedDemoTenants } from "../support/api";
import { memberOf } from "../support/members";
import type { ErrorBody } from "../support/members";

const MINE = "tnt_demo_smith";
const THEIRS = "tnt_demo_peterson";

async function staffOfSmith() {
  await seedDemoTenants();
  return memberOf(MINE, "staff");
}

describe("tenant tier access", () => {
  it("a staff user of one tenant gets 403 opening another tenant's calls", async () => {
    const staff = await staffOfSmith();
    const res = await api<ErrorBody>("GET", `/api/tenants/${THEIRS}/calls`, {
      auth: { session: staff },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("forbidden");
  });

  it("a staff user of one tenant gets 403 opening another tenant's callers and settings", async () => {
    const staff = await staffOfSmith();
    for (const path of [
      "/callers",
      "/callers/+19495550100",
      "/agent",
      "/leads/board",
      "/template",
    ]) {
      const res = await api("GET", `/api/tenants/${THEIRS}${path}`, { auth: { session: staff } });
      expect(res.status, path).toBe(403);
    }
  });

  it("answers a tenant id that does not exist exactly like one the user may not open", async () => {
    const staff = await staffOfSmith();
    const missing = await api<ErrorBody>("GET", "/api/tenants/tnt_does_not_exist/calls", {
      auth: { session: staff },
    });
    const other = await api<ErrorBody>("GET", `/api/tenants/${THEIRS}/calls`, {
      auth: { session: staff },
    });
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual(other.body);
  });

  it("staff cannot change agent settings", async () => {
    const staff = await staffOfSmith();
    const before = await api<{ agentConfig: { greeting: string } }>(
      "GET",
      `/api/tenants/${MINE}/agent`,
      {
        auth: { session: staff },
      },
    );
    const res = await api<ErrorBody>("PATCH", `/api/tenants/${MINE}/agent`, {
      auth: { session: staff },
      body: { greeting: "Staff were here" },
    });
    expect(res.status).toBe(403);
    const after = await api<{ agentConfig: { greeting: string } }>(
      "GET",
      `/api/tenants/${MINE}/agent`,
      {
        auth: { session: staff },
      },
    );
    expect(after.body.agentConfig.greeting).toBe(before.body.agentConfig.greeting);
  });

  it("staff cannot see the team, API keys, secrets or the audit log", async () => {
    const staff = await staffOfSmith();
    for (const path of ["/team", "/api-keys", "/secrets", "/audit"]) {
      const res = await api("GET", `/api/tenants/${MINE}${path}`, { auth: { session: staff } });
      expect(res.status, path).toBe(403);
    }
  });

  it("staff can read their own tenant's calls, callers, leads and settings", async () => {
    const staff = await staffOfSmith();
    for (const path of [
      "/calls",
      "/callers",
      "/leads",
      "/leads/board",
      "/agent",
      "/agent/sliders",
      "/template",
    ]) {
      const res = await api("GET", `/api/tenants/${MINE}${path}`, { auth: { session: staff } });
      expect(res.status, path).toBe(200);
    }
  });

  it("a tenant API key gets 403 on another tenant's path", async () => {
    await seedDemoTenants();
    const admin = await memberOf(MINE, "admin");
    const key = await api<{ apiKey: { key: string } }>("POST", `/api/tenants/${MINE}/api-keys`, {
      auth: { session: admin },
      body: { name: "integration" },
    });
    const res = await api("GET", `/api/tenants/${THEIRS}/calls`, {
      auth: { apiKey: key.body.apiKey.key },
    });
    expect(res.status).toBe(403);
    expect(
      (await api("GET", `/api/tenants/${MINE}/calls`, { auth: { apiKey: key.body.apiKey.key } }))
        .status,
    ).toBe(200);
  });

  it("answers 401 without a session", async () => {
    expect((await api("GET", `/api/tenants/${MINE}/calls`)).status).toBe(401);
  });
});
