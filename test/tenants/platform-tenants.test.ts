import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin, seedDemoTenants, uniqueTenantInput } from "../support/api";
import { tenantD1 } from "../support/bindings";

type ErrorAnswer = { error: { code: string; message: string } };
type TenantAnswer = {
  tenant: {
    id: string;
    slug: string;
    d1Binding: string;
    status: string;
    phoneNumbers: string[];
    agentConfig: { greeting: string; businessName: string; agentName: string };
  };
};

async function tenantsWithSlug(slug: string): Promise<number> {
  const row = await env.PLATFORM_DB.prepare("SELECT count(*) AS n FROM tenants WHERE slug = ?")
    .bind(slug)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

describe("POST /api/platform/tenants", () => {
  it("creates a tenant on a migrated warm-pool database and audit-logs it", async () => {
    const session = await loginAsPlatformAdmin();
    const input = uniqueTenantInput();
    const res = await api<TenantAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        ...input,
        businessName: "Acme Insurance",
        template: "insurance_v1",
        agentConfig: { agentName: "Dana" },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.tenant.d1Binding).toMatch(/^TENANT_POOL_/);
    expect(res.body.tenant.phoneNumbers).toEqual([input.phoneNumber]);
    expect(res.body.tenant.agentConfig.agentName).toBe("Dana");
    expect(res.body.tenant.agentConfig.businessName).toBe("Acme Insurance");
    const audit = await env.PLATFORM_DB.prepare(
      "SELECT action, actor_type FROM audit_log WHERE tenant_id = ?",
    )
      .bind(res.body.tenant.id)
      .all<{ action: string; actor_type: string }>();
    expect(audit.results).toContainEqual({ action: "tenant.create", actor_type: "user" });
    // The claimed database is a real, migrated tenant database.
    const callers = await tenantD1(res.body.tenant.d1Binding)
      .prepare("SELECT count(*) AS n FROM callers")
      .first<{ n: number }>();
    expect(callers?.n).toBe(0);
  });

  it("never gives two tenants the same database", async () => {
    const session = await loginAsPlatformAdmin();
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        api<TenantAnswer>("POST", "/api/platform/tenants", {
          auth: { session },
          body: { ...uniqueTenantInput(), businessName: "Parallel Co", template: "real_estate_v1" },
        }),
      ),
    );
    const bindings = results.filter((r) => r.status === 201).map((r) => r.body.tenant.d1Binding);
    expect(new Set(bindings).size).toBe(bindings.length);
  });

  it("answers 401 without a session", async () => {
    const res = await api("POST", "/api/platform/tenants", {
      body: { ...uniqueTenantInput(), businessName: "X", template: "insurance_v1" },
    });
    expect(res.status).toBe(401);
  });

  it("answers 403 csrf_failed when the CSRF header is missing, and creates nothing", async () => {
    const session = await loginAsPlatformAdmin();
    const input = uniqueTenantInput();
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      headers: { "x-csrf-token": "" },
      body: { ...input, businessName: "X", template: "insurance_v1" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("csrf_failed");
    expect(await tenantsWithSlug(input.slug)).toBe(0);
  });

  it("answers 409 naming the slug when it is taken", async () => {
    const session = await loginAsPlatformAdmin();
    const input = uniqueTenantInput();
    await api("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...input, businessName: "First", template: "insurance_v1" },
    });
    const again = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        slug: input.slug,
        phoneNumber: uniqueTenantInput().phoneNumber,
        businessName: "Second",
        template: "insurance_v1",
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain("slug");
  });

  it("answers 409 when the phone number already belongs to a tenant", async () => {
    await seedDemoTenants();
    const session = await loginAsPlatformAdmin();
    const slug = uniqueTenantInput().slug;
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        slug,
        phoneNumber: "+1 (949) 707-1290",
        businessName: "Copycat",
        template: "insurance_v1",
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("phoneNumber");
    expect(await tenantsWithSlug(slug)).toBe(0);
  });

  it("answers 400 naming the field for a bad phone number, and writes nothing", async () => {
    const session = await loginAsPlatformAdmin();
    const slug = uniqueTenantInput().slug;
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { slug, phoneNumber: "call me maybe", businessName: "X", template: "insurance_v1" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("phoneNumber");
    expect(await tenantsWithSlug(slug)).toBe(0);
  });

  it("answers 400 for an unknown industry template", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...uniqueTenantInput(), businessName: "X", template: "plumbing_v1" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("plumbing_v1");
  });

  it("answers 400 for unknown fields", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        ...uniqueTenantInput(),
        businessName: "X",
        template: "insurance_v1",
        d1Binding: "TENANT_PETERSON",
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("d1Binding");
  });

  it("answers 413 for an oversized body", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...uniqueTenantInput(), businessName: "x".repeat(300_000), template: "insurance_v1" },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });
});

describe("PATCH /api/platform/tenants/{id}", () => {
  it("changes the greeting and keeps the rest of the agent config", async () => {
    const session = await loginAsPlatformAdmin();
    const created = await api<TenantAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        ...uniqueTenantInput(),
        businessName: "Greeting Co",
        template: "insurance_v1",
        agentConfig: { agentName: "Kim" },
      },
    });
    const res = await api<TenantAnswer>(
      "PATCH",
      `/api/platform/tenants/${created.body.tenant.id}`,
      {
        auth: { session },
        body: { agentConfig: { greeting: "Hello from {business_name}, {agent_name} speaking." } },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.tenant.agentConfig.greeting).toBe(
      "Hello from {business_name}, {agent_name} speaking.",
    );
    expect(res.body.tenant.agentConfig.agentName).toBe("Kim");
  });

  it("answers 404 for a tenant that does not exist", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api("PATCH", "/api/platform/tenants/tnt_nope", {
      auth: { session },
      body: { businessName: "X" },
    });
    expect(res.status).toBe(404);
  });

  it("answers 400 for an empty change", async () => {
    const session = await loginAsPlatformAdmin();
    const res = await api("PATCH", "/api/platform/tenants/tnt_nope", {
      auth: { session },
      body: {},
    });
    expect(res.status).toBe(400);
  });
});

describe("POST /api/platform/tenants/{id}/api-keys", () => {
  it("returns the key once and stores only a hash of it", async () => {
    const session = await loginAsPlatformAdmin();
    const created = await api<TenantAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...uniqueTenantInput(), businessName: "Key Co", template: "insurance_v1" },
    });
    const res = await api<{ apiKey: { key: string; prefix: string } }>(
      "POST",
      `/api/platform/tenants/${created.body.tenant.id}/api-keys`,
      {
        auth: { session },
        body: { name: "CRM sync" },
      },
    );
    expect(res.status).toBe(201);
    expect(res.body.apiKey.key.startsWith(res.body.apiKey.prefix)).toBe(true);
    const stored = await env.PLATFORM_DB.prepare("SELECT * FROM api_keys WHERE prefix = ?")
      .bind(res.body.apiKey.prefix)
      .first();
    expect(JSON.stringify(stored)).not.toContain(res.body.apiKey.key);
    const me = await api<{ tenant: { id: string } }>("GET", "/api/tenant", {
      auth: { apiKey: res.body.apiKey.key },
    });
    expect(me.body.tenant.id).toBe(created.body.tenant.id);
  });

  it("answers 403 to a tenant API key: platform routes need a platform admin", async () => {
    const session = await loginAsPlatformAdmin();
    const created = await api<TenantAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...uniqueTenantInput(), businessName: "Key Co", template: "insurance_v1" },
    });
    const key = await api<{ apiKey: { key: string } }>(
      "POST",
      `/api/platform/tenants/${created.body.tenant.id}/api-keys`,
      {
        auth: { session },
        body: { name: "k" },
      },
    );
    const res = await api("GET", "/api/platform/tenants", {
      auth: { apiKey: key.body.apiKey.key },
    });
    expect(res.status).toBe(403);
  });
});

describe("transfer numbers set by the platform console", () => {
  it("answers 400 naming the problem and creates nothing for a premium-rate transfer number", async () => {
    const session = await loginAsPlatformAdmin();
    const input = uniqueTenantInput();
    const res = await api<ErrorAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: {
        ...input,
        businessName: "Premium Co",
        template: "insurance_v1",
        agentConfig: { transferNumber: "+19005550123" },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/transferNumber: .*premium-rate/);
    expect(await tenantsWithSlug(input.slug)).toBe(0);
  });

  it("answers 400 to a transfer number outside the tenant's countries", async () => {
    const session = await loginAsPlatformAdmin();
    const created = await api<TenantAnswer>("POST", "/api/platform/tenants", {
      auth: { session },
      body: { ...uniqueTenantInput(), businessName: "Abroad Co", template: "insurance_v1" },
    });
    const res = await api<ErrorAnswer>("PATCH", `/api/platform/tenants/${created.body.tenant.id}`, {
      auth: { session },
      body: { agentConfig: { transferNumber: "+18765550123" } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/transferNumber: .*in JM/);
  });
});
