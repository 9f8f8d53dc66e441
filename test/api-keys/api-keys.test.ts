import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { tenantWithOwner } from "../support/members";
import type { TenantWithOwner } from "../support/members";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("API keys", () => {
  it("shows a new key once, lists it by prefix only, and revocation makes it 401", async () => {
    const created = await api<{ apiKey: { id: string; key: string; prefix: string } }>(
      "POST",
      path("/api-keys"),
      {
        auth: { session: t.owner },
        body: { name: "CRM sync" },
      },
    );
    expect(created.status).toBe(201);
    const key = created.body.apiKey.key;
    expect(key.startsWith(created.body.apiKey.prefix)).toBe(true);
    expect((await api("GET", path("/calls"), { auth: { apiKey: key } })).status).toBe(200);
    const list = await api<{ apiKeys: Record<string, unknown>[] }>("GET", path("/api-keys"), {
      auth: { session: t.owner },
    });
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(list.body.apiKeys).toContainEqual(
      expect.objectContaining({ name: "CRM sync", revokedAt: null }),
    );
    expect(
      (
        await api("DELETE", path(`/api-keys/${created.body.apiKey.id}`), {
          auth: { session: t.owner },
        })
      ).status,
    ).toBe(200);
    expect((await api("GET", path("/calls"), { auth: { apiKey: key } })).status).toBe(401);
  });

  it("an API key cannot manage API keys", async () => {
    const res = await api("POST", path("/api-keys"), {
      auth: { apiKey: t.apiKey },
      body: { name: "x" },
    });
    expect(res.status).toBe(403);
  });
});
