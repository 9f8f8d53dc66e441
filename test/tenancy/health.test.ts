import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../workers/api-keys/api-keys";
import { platformDb } from "../../workers/db/handles";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";

type Health = {
  ok: boolean;
  tenants: { tenantId: string; binding: string; database: string; missingMigrations: string[] }[];
  pool: { binding: string; database: string }[];
};

async function insertTenantOn(binding: string): Promise<string> {
  const id = `tnt_health_${binding.toLowerCase()}_${Date.now()}`;
  const config = await env.PLATFORM_DB.prepare(
    "SELECT agent_config FROM tenants WHERE id = 'tnt_demo_smith'",
  ).first<{ agent_config: string }>();
  await env.PLATFORM_DB.prepare(
    "INSERT INTO tenants (id, slug, business_name, template_name, template_version, agent_config, d1_binding) VALUES (?, ?, 'Broken Co', 'insurance', 1, ?, ?)",
  )
    .bind(id, id.replace(/_/g, "-"), config?.agent_config ?? "{}", binding)
    .run();
  return id;
}

beforeAll(async () => {
  await seedDemoTenants();
});

describe("GET /health", () => {
  it("answers ok without authentication", async () => {
    const res = await api<{ status: string }>("GET", "/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
  });
});

describe("GET /api/platform/health", () => {
  it("lists every tenant with its binding and migration state", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api<Health>("GET", "/api/platform/health", { auth: { session } });
    expect(res.status).toBe(200);
    expect(res.body.tenants).toContainEqual(
      expect.objectContaining({
        tenantId: "tnt_demo_peterson",
        binding: "TENANT_PETERSON",
        database: "ready",
        missingMigrations: [],
      }),
    );
  });

  it("reports a tenant whose binding is missing, and refuses to serve it", async () => {
    const id = await insertTenantOn(`TENANT_GONE_${Date.now()}`);
    const session = await loginAsPlatformAdmin();
    const res = await api<Health>("GET", "/api/platform/health", { auth: { session } });
    expect(res.body.tenants.find((t) => t.tenantId === id)?.database).toBe("binding_missing");
    expect(res.body.ok).toBe(false);
    const key = await createApiKey(platformDb(env.PLATFORM_DB), id, "k", null);
    const served = await api<{ error: { code: string } }>("GET", "/api/tenant/callers", {
      auth: { apiKey: key.key },
    });
    expect(served.status).toBe(503);
    expect(served.body.error.code).toBe("tenant_unavailable");
  });

  it("reports a tenant whose database is not migrated, and refuses to serve it", async () => {
    const id = await insertTenantOn("TENANT_UNMIGRATED");
    const session = await loginAsPlatformAdmin();
    const res = await api<Health>("GET", "/api/platform/health", { auth: { session } });
    const entry = res.body.tenants.find((t) => t.tenantId === id);
    expect(entry?.database).toBe("unmigrated");
    expect(entry?.missingMigrations.length).toBeGreaterThan(0);
    const key = await createApiKey(platformDb(env.PLATFORM_DB), id, "k", null);
    expect((await api("GET", "/api/tenant/callers", { auth: { apiKey: key.key } })).status).toBe(
      503,
    );
  });

  it("answers 403 to a non-admin", async () => {
    const key = await createApiKey(platformDb(env.PLATFORM_DB), "tnt_demo_smith", "k", null);
    expect((await api("GET", "/api/platform/health", { auth: { apiKey: key.key } })).status).toBe(
      403,
    );
  });
});
