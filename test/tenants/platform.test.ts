import { describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import { memberOf } from "../support/members";
import type { ErrorBody } from "../support/members";

type TenantList = { tenants: { id: string; slug: string; status: string }[]; total: number };

describe("platform tenants", () => {
  it("searches tenants by name, slug or phone number and filters by status", async () => {
    await seedDemoTenants();
    const admin = await loginAsPlatformAdmin();
    const byName = await api<TenantList>("GET", "/api/platform/tenants?search=peterson", {
      auth: { session: admin },
    });
    expect(byName.body.tenants.map((t) => t.id)).toContain("tnt_demo_peterson");
    const byNumber = await api<TenantList>("GET", "/api/platform/tenants?search=6195550177", {
      auth: { session: admin },
    });
    expect(byNumber.body.tenants.map((t) => t.id)).toEqual(["tnt_demo_johnson"]);
    const suspended = await api<TenantList>("GET", "/api/platform/tenants?status=suspended", {
      auth: { session: admin },
    });
    expect(suspended.body.tenants.every((t) => t.status === "suspended")).toBe(true);
  });

  it("refuses an unknown status filter naming the field", async () => {
    const admin = await loginAsPlatformAdmin();
    const res = await api<ErrorBody>("GET", "/api/platform/tenants?status=deleted", {
      auth: { session: admin },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("status");
  });

  it("suspends and resumes a tenant, audit-logging both", async () => {
    const t = await createTenantWithKey();
    const suspended = await api<{ tenant: { status: string } }>(
      "POST",
      `/api/platform/tenants/${t.id}/suspend`,
      {
        auth: { session: t.admin },
      },
    );
    expect(suspended.body.tenant.status).toBe("suspended");
    expect((await api("GET", "/api/tenant/callers", { auth: { apiKey: t.apiKey } })).status).toBe(
      403,
    );
    const resumed = await api<{ tenant: { status: string } }>(
      "POST",
      `/api/platform/tenants/${t.id}/resume`,
      {
        auth: { session: t.admin },
      },
    );
    expect(resumed.body.tenant.status).toBe("active");
    const audit = await api<{ entries: { action: string }[] }>(
      "GET",
      `/api/platform/audit?tenantId=${t.id}&action=tenant.*`,
      {
        auth: { session: t.admin },
      },
    );
    expect(audit.body.entries.map((e) => e.action)).toEqual([
      "tenant.resume",
      "tenant.suspend",
      "tenant.create",
    ]);
  });

  it("offboards only when the slug is typed to confirm", async () => {
    const t = await createTenantWithKey();
    const wrong = await api<ErrorBody>("POST", `/api/platform/tenants/${t.id}/offboard`, {
      auth: { session: t.admin },
      body: { confirmSlug: "something-else" },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.issues?.[0]?.path).toBe("confirmSlug");
    const ok = await api<{ tenant: { status: string; phoneNumbers: string[] } }>(
      "POST",
      `/api/platform/tenants/${t.id}/offboard`,
      { auth: { session: t.admin }, body: { confirmSlug: t.slug } },
    );
    expect(ok.body.tenant).toMatchObject({ status: "offboarded", phoneNumbers: [] });
  });

  it("assigns another industry template", async () => {
    const t = await createTenantWithKey();
    const res = await api<{ tenant: { template: { name: string } } }>(
      "PUT",
      `/api/platform/tenants/${t.id}/template`,
      {
        auth: { session: t.admin },
        body: { template: "real_estate_v1" },
      },
    );
    expect(res.body.tenant.template.name).toBe("real_estate");
    const unknown = await api("PUT", `/api/platform/tenants/${t.id}/template`, {
      auth: { session: t.admin },
      body: { template: "plumbing_v1" },
    });
    expect(unknown.status).toBe(400);
  });

  it("is refused to a tenant owner with 403", async () => {
    await seedDemoTenants();
    const owner = await memberOf("tnt_demo_smith", "owner");
    for (const path of [
      "/api/platform/tenants",
      "/api/platform/usage",
      "/api/platform/audit",
      "/api/platform/users",
    ]) {
      expect((await api("GET", path, { auth: { session: owner } })).status, path).toBe(403);
    }
  });
});
