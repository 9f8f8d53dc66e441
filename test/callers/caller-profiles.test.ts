import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import type { ErrorBody, TenantWithOwner } from "../support/members";
import { tenantWithRecords } from "../support/tenant-records";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithRecords();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("caller profiles", () => {
  it("gives the template that generates the profile form", async () => {
    const res = await api<{ template: { id: string; fields: { key: string }[] } }>(
      "GET",
      path("/template"),
      { auth: { session: t.owner } },
    );
    expect(res.body.template.id).toBe("insurance_v1");
    expect(res.body.template.fields.map((f) => f.key)).toContain("first_name");
  });

  it("saves a valid profile edit and rebuilds the caller's name", async () => {
    const res = await api<{ caller: { firstName: string }; applied: string[] }>(
      "PATCH",
      path("/callers/+19495550111/profile"),
      {
        auth: { session: t.owner },
        body: { profile: { first_name: "Anabel" } },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.caller.firstName).toBe("Anabel");
  });

  it("refuses an invalid field naming it, and stores none of the edit", async () => {
    const res = await api<ErrorBody>("PATCH", path("/callers/+19495550111/profile"), {
      auth: { session: t.owner },
      body: { profile: { last_name: "Lopez", no_such_field: 1 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path)).toContain("no_such_field");
    const caller = await api<{ caller: { lastName: string | null } }>(
      "GET",
      path("/callers/+19495550111"),
      { auth: { session: t.owner } },
    );
    expect(caller.body.caller.lastName).toBeNull();
  });
});
