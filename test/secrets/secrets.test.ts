import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { memberOf, tenantWithOwner } from "../support/members";
import type { ErrorBody, TenantWithOwner } from "../support/members";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("bring-your-own keys", () => {
  it("are write-only: the list shows the name and date, never the value", async () => {
    const set = await api("PUT", path("/secrets/openai_api_key"), {
      auth: { session: t.owner },
      body: { value: "sk-test-very-secret-value" },
    });
    expect(set.status).toBe(200);
    const list = await api<{ secrets: { name: string }[] }>("GET", path("/secrets"), {
      auth: { session: t.owner },
    });
    expect(list.body.secrets.map((s) => s.name)).toContain("openai_api_key");
    expect(JSON.stringify(list.body)).not.toContain("very-secret");
    const stored = await env.PLATFORM_DB.prepare(
      "SELECT ciphertext FROM tenant_secrets WHERE tenant_id = ?",
    )
      .bind(t.id)
      .first<{ ciphertext: string }>();
    expect(stored?.ciphertext).not.toContain("very-secret");
    const audit = await api<{ entries: unknown[] }>("GET", path("/audit?action=secret.*"), {
      auth: { session: t.owner },
    });
    expect(JSON.stringify(audit.body)).not.toContain("very-secret");
    expect(
      (await api("DELETE", path("/secrets/openai_api_key"), { auth: { session: t.owner } })).status,
    ).toBe(200);
  });

  it("refuses an unknown key name, naming it", async () => {
    const res = await api<ErrorBody>("PUT", path("/secrets/aws_key"), {
      auth: { session: t.owner },
      body: { value: "x" },
    });
    expect(res.status).toBe(400);
  });

  it("only an owner may set them", async () => {
    const admin = await memberOf(t.id, "admin", t.owner);
    const res = await api("PUT", path("/secrets/openai_api_key"), {
      auth: { session: admin },
      body: { value: "sk-x" },
    });
    expect(res.status).toBe(403);
  });
});
