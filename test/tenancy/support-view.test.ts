import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import type { ErrorBody } from "../support/members";

const TENANT = "tnt_demo_johnson";

async function supportViews(): Promise<{ target: string; actor_id: string }[]> {
  const rows = await env.PLATFORM_DB.prepare(
    "SELECT target, actor_id FROM audit_log WHERE tenant_id = ? AND action = 'support.view' ORDER BY id",
  )
    .bind(TENANT)
    .all<{ target: string; actor_id: string }>();
  return rows.results;
}

describe("support view of a tenant", () => {
  it("lets a platform admin read the tenant's admin data and audit-logs every read", async () => {
    await seedDemoTenants();
    const admin = await loginAsPlatformAdmin();
    const before = (await supportViews()).length;
    expect(
      (await api("GET", `/api/tenants/${TENANT}/calls`, { auth: { session: admin } })).status,
    ).toBe(200);
    expect(
      (await api("GET", `/api/tenants/${TENANT}/agent`, { auth: { session: admin } })).status,
    ).toBe(200);
    const views = await supportViews();
    expect(views.length).toBe(before + 2);
    expect(views.slice(-2)).toEqual([
      { target: "/calls", actor_id: admin.userId },
      { target: "/agent", actor_id: admin.userId },
    ]);
  });

  it("refuses writes with 403 support_read_only and changes nothing", async () => {
    await seedDemoTenants();
    const admin = await loginAsPlatformAdmin();
    const before = await api<{ agentConfig: unknown }>("GET", `/api/tenants/${TENANT}/agent`, {
      auth: { session: admin },
    });
    const res = await api<ErrorBody>("PATCH", `/api/tenants/${TENANT}/agent`, {
      auth: { session: admin },
      body: { greeting: "Operators were here" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("support_read_only");
    const key = await api<ErrorBody>("POST", `/api/tenants/${TENANT}/api-keys`, {
      auth: { session: admin },
      body: { name: "sneaky" },
    });
    expect(key.status).toBe(403);
    const after = await api<{ agentConfig: unknown }>("GET", `/api/tenants/${TENANT}/agent`, {
      auth: { session: admin },
    });
    expect(after.body).toEqual(before.body);
  });
});
