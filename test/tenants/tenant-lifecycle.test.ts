/**
 * The tenant lifecycle as domain functions: refusals are values (a code and a message, never an
 * HTTP status), and a change and its audit row are written together or not at all.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../workers/tenants/tenants";
import {
  assignTemplate,
  createTenant,
  offboardTenant,
  setTenantStatus,
  updateTenant,
} from "../../workers/tenants/tenants";
import { uniqueTenantInput } from "../support/api";

const operator: Actor = { principal: undefined, requestId: "req_lifecycle" };

async function auditActions(tenantId: string): Promise<string[]> {
  const rows = await env.PLATFORM_DB.prepare(
    "SELECT action FROM audit_log WHERE tenant_id = ? ORDER BY rowid",
  )
    .bind(tenantId)
    .all<{ action: string }>();
  return rows.results.map((r) => r.action);
}

async function newTenant() {
  const created = await createTenant(env, operator, {
    ...uniqueTenantInput("life"),
    businessName: "Lifecycle Co",
    template: "insurance_v1",
  });
  if (!created.ok) throw new Error(`could not create a tenant: ${created.message}`);
  return created.value;
}

describe("tenant lifecycle", () => {
  it("creates a tenant with its audit row, attributed to the system without a principal", async () => {
    const tenant = await newTenant();
    expect(tenant.status).toBe("active");
    const row = await env.PLATFORM_DB.prepare(
      "SELECT actor_type, request_id FROM audit_log WHERE tenant_id = ? AND action = 'tenant.create'",
    )
      .bind(tenant.id)
      .first<{ actor_type: string; request_id: string }>();
    expect(row).toEqual({ actor_type: "system", request_id: "req_lifecycle" });
  });

  it("refuses an unknown template as invalid_request and writes nothing", async () => {
    const input = uniqueTenantInput("life");
    const result = await createTenant(env, operator, {
      ...input,
      businessName: "Nope Co",
      template: "plumbing_v1",
    });
    expect(result).toMatchObject({ ok: false, code: "invalid_request" });
    const count = await env.PLATFORM_DB.prepare("SELECT count(*) AS n FROM tenants WHERE slug = ?")
      .bind(input.slug)
      .first<{ n: number }>();
    expect(count?.n).toBe(0);
  });

  it("answers not_found for a tenant that does not exist", async () => {
    expect(await setTenantStatus(env, operator, "tnt_nope", "suspended")).toMatchObject({
      ok: false,
      code: "not_found",
    });
  });

  it("records suspend, resume and a template change, each with its own audit row", async () => {
    const tenant = await newTenant();
    expect(await setTenantStatus(env, operator, tenant.id, "suspended")).toMatchObject({
      ok: true,
      value: { status: "suspended" },
    });
    expect(await setTenantStatus(env, operator, tenant.id, "active")).toMatchObject({
      ok: true,
      value: { status: "active" },
    });
    expect(await assignTemplate(env, operator, tenant.id, "mortgage_v1")).toMatchObject({
      ok: true,
      value: { template: { name: "mortgage", version: 1 } },
    });
    expect(await auditActions(tenant.id)).toEqual([
      "tenant.create",
      "tenant.suspend",
      "tenant.resume",
      "tenant.update",
    ]);
  });

  it("does not offboard without the slug typed to confirm, and leaves no audit row", async () => {
    const tenant = await newTenant();
    const result = await offboardTenant(env, operator, tenant.id, "not-the-slug");
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_request",
      issues: [{ path: "confirmSlug" }],
    });
    expect(await auditActions(tenant.id)).toEqual(["tenant.create"]);
  });

  it("offboards for good: numbers released, database retired, no further change", async () => {
    const tenant = await newTenant();
    const result = await offboardTenant(env, operator, tenant.id, tenant.slug);
    expect(result).toMatchObject({ ok: true, value: { status: "offboarded", phoneNumbers: [] } });
    const database = await env.PLATFORM_DB.prepare(
      "SELECT status FROM tenant_databases WHERE binding = ?",
    )
      .bind(tenant.d1Binding)
      .first<{ status: string }>();
    expect(database?.status).toBe("retired");
    expect(await updateTenant(env, operator, tenant.id, { businessName: "Back" })).toMatchObject({
      ok: false,
      code: "conflict",
    });
    expect(await auditActions(tenant.id)).toEqual(["tenant.create", "tenant.offboard"]);
  });
});
