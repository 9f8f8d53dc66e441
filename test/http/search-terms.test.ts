import { beforeAll, describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin } from "../support/api";
import type { Session } from "../support/api";
import { tenantD1 } from "../support/bindings";
import { tenantWithOwner } from "../support/members";
import type { TenantWithOwner } from "../support/members";

// 30 × "é" is 60 bytes: over D1's 50-byte limit on LIKE patterns, well within the 100 characters
// the schemas allow.
const LONG = "é".repeat(30);
const q = encodeURIComponent;

let t: TenantWithOwner;
let admin: Session;
beforeAll(async () => {
  t = await tenantWithOwner();
  admin = await loginAsPlatformAdmin();
  const info = await api<{ tenant: { d1Binding: string } }>(
    "GET",
    `/api/platform/tenants/${t.id}`,
    { auth: { session: admin } },
  );
  const db = tenantD1(info.body.tenant.d1Binding);
  await db.batch([
    db.prepare(
      "INSERT INTO callers (id, phone, first_name, last_name) VALUES ('clr_s', '+19495550100', 'Dana', 'Percent_100%')",
    ),
    db.prepare(
      `INSERT INTO calls (call_sid, caller_id, from_number, to_number, status, started_at)
       VALUES ('CAsearch1', 'clr_s', '+19495550100', '${t.phoneNumber}', 'completed', '2031-02-01T10:00:00.000Z'),
              ('CAsearch2', NULL, '+13105550000', '${t.phoneNumber}', 'completed', '2031-02-02T10:00:00.000Z')`,
    ),
  ]);
});
const tenantPath = (p: string) => `/api/tenants/${t.id}${p}`;

describe("searches longer than 50 bytes", () => {
  it("answers the caller search with an empty list, not a 500", async () => {
    const res = await api<{ callers: unknown[] }>("GET", tenantPath(`/callers?search=${q(LONG)}`), {
      auth: { session: t.owner },
    });
    expect(res.status).toBe(200);
    expect(res.body.callers).toEqual([]);
  });

  it("answers the call log's caller filter with no calls, not a 500", async () => {
    const res = await api<{ calls: unknown[] }>("GET", tenantPath(`/calls?caller=${q(LONG)}`), {
      auth: { session: t.owner },
    });
    expect(res.status).toBe(200);
    expect(res.body.calls).toEqual([]);
  });

  it("answers a long audit action prefix with no entries, not a 500", async () => {
    const action = `${"a".repeat(60)}*`;
    const tenantAudit = await api("GET", tenantPath(`/audit?action=${action}`), {
      auth: { session: t.owner },
    });
    const platformAudit = await api("GET", `/api/platform/audit?action=${action}`, {
      auth: { session: admin },
    });
    expect([tenantAudit.status, platformAudit.status]).toEqual([200, 200]);
  });

  it("answers the platform tenant and user searches, not a 500", async () => {
    const tenants = await api("GET", `/api/platform/tenants?search=${q(LONG)}`, {
      auth: { session: admin },
    });
    const users = await api("GET", `/api/platform/users?search=${q(LONG)}`, {
      auth: { session: admin },
    });
    expect([tenants.status, users.status]).toEqual([200, 200]);
    expect(tenants.body).toMatchObject({ tenants: [], total: 0 });
    expect(users.body).toMatchObject({ users: [], total: 0 });
  });
});

describe("call log caller filter", () => {
  it.each(["5550100", "949-555", "(949) 555-0100", "+19495550100"])(
    "finds a caller's calls by part of their number written as %s",
    async (term) => {
      const res = await api<{ calls: { callSid: string }[] }>(
        "GET",
        tenantPath(`/calls?caller=${q(term)}`),
        { auth: { session: t.owner } },
      );
      expect(res.body.calls.map((c) => c.callSid)).toEqual(["CAsearch1"]);
    },
  );

  it("matches % and _ in a name literally", async () => {
    const res = await api<{ calls: { callSid: string }[] }>(
      "GET",
      tenantPath(`/calls?caller=${q("Per_ent")}`),
      { auth: { session: t.owner } },
    );
    expect(res.body.calls).toEqual([]);
    const literal = await api<{ calls: { callSid: string }[] }>(
      "GET",
      tenantPath(`/calls?caller=${q("Percent_100%")}`),
      { auth: { session: t.owner } },
    );
    expect(literal.body.calls.map((c) => c.callSid)).toEqual(["CAsearch1"]);
  });
});
