import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../workers/api-keys/api-keys";
import { platformDb } from "../../workers/db/handles";
import { SHARED_CALLER_PHONE } from "../../workers/seed/demo-data";
import { api, seedDemoTenants } from "../support/api";

type CallerAnswer = { caller: { firstName: string; lastName: string; bio: string } };
const TENANTS = ["tnt_demo_peterson", "tnt_demo_smith", "tnt_demo_johnson"] as const;
const keys: Record<string, string> = {};

beforeAll(async () => {
  await seedDemoTenants();
  for (const tenantId of TENANTS) {
    keys[tenantId] = (
      await createApiKey(platformDb(env.PLATFORM_DB), tenantId, "isolation test", null)
    ).key;
  }
});

function keyOf(tenantId: string): string {
  const key = keys[tenantId];
  if (!key) throw new Error(`no key for ${tenantId}`);
  return key;
}

describe("tenant isolation", () => {
  it("shows each tenant only its own caller behind the same phone number", async () => {
    const seen = [];
    for (const tenantId of TENANTS) {
      const res = await api<CallerAnswer>(
        "GET",
        `/api/tenant/callers/${encodeURIComponent(SHARED_CALLER_PHONE)}`,
        {
          auth: { apiKey: keyOf(tenantId) },
        },
      );
      expect(res.status).toBe(200);
      seen.push(`${res.body.caller.firstName} ${res.body.caller.lastName}`);
    }
    expect(seen).toEqual(["John Smith", "Jennifer Wu", "Sam Patel"]);
  });

  it("lists only the tenant's own callers", async () => {
    const res = await api<{ callers: { phone: string; firstName: string }[] }>(
      "GET",
      "/api/tenant/callers",
      {
        auth: { apiKey: keyOf("tnt_demo_smith") },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.callers.map((c) => c.firstName)).toEqual(["Jennifer"]);
  });

  it("answers 403 when a key opens another tenant's path", async () => {
    const res = await api(
      "GET",
      `/api/tenants/tnt_demo_johnson/callers/${encodeURIComponent(SHARED_CALLER_PHONE)}`,
      {
        auth: { apiKey: keyOf("tnt_demo_peterson") },
      },
    );
    expect(res.status).toBe(403);
  });

  it("answers 403 when customer_id names another tenant", async () => {
    const res = await api<{ error: { message: string } }>(
      "GET",
      "/api/tenant/callers?customer_id=tnt_demo_smith",
      {
        auth: { apiKey: keyOf("tnt_demo_peterson") },
      },
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("customer_id");
  });

  it("accepts customer_id when it names the key's own tenant by id or slug", async () => {
    for (const customerId of ["tnt_demo_peterson", "peterson-family-insurance"]) {
      const res = await api("GET", `/api/tenant/callers?customer_id=${customerId}`, {
        auth: { apiKey: keyOf("tnt_demo_peterson") },
      });
      expect(res.status).toBe(200);
    }
  });

  it("answers 401 for a revoked or made-up key", async () => {
    const res = await api("GET", "/api/tenant", {
      auth: { apiKey: "nsk_0123456789_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
    });
    expect(res.status).toBe(401);
  });

  it("answers 403 to a user who is not a member of the tenant", async () => {
    const db = platformDb(env.PLATFORM_DB);
    const { hashPassword } = await import("../../workers/auth/passwords");
    const email = `staff-${Date.now()}@smith.test`;
    const userId = `usr_${Date.now()}`;
    await env.PLATFORM_DB.prepare("INSERT INTO users (id, email, password_hash) VALUES (?, ?, ?)")
      .bind(userId, email, await hashPassword("pw-staff-123"))
      .run();
    await env.PLATFORM_DB.prepare(
      "INSERT INTO memberships (user_id, tenant_id, role) VALUES (?, 'tnt_demo_smith', 'staff')",
    )
      .bind(userId)
      .run();
    void db;
    const { login } = await import("../support/api");
    const session = await login(email, "pw-staff-123");
    expect(
      (await api("GET", "/api/tenants/tnt_demo_smith/callers", { auth: { session } })).status,
    ).toBe(200);
    expect(
      (await api("GET", "/api/tenants/tnt_demo_johnson/callers", { auth: { session } })).status,
    ).toBe(403);
  });
});
