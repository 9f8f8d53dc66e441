/**
 * Input over a limit is refused and named, never cut to fit and saved; a list with several bad
 * entries is answered with every one of them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { tenantWithOwner } from "../support/members";
import type { TenantWithOwner } from "../support/members";

type Issues = {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
};
type Config = { agentConfig: { agentName: string; smsRecipients: string[] } };

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("over-long input", () => {
  it("answers 400 naming the 60-character limit for a longer agent name, and keeps the old name", async () => {
    const before = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    const res = await api<Issues>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { agentName: "R".repeat(61) },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues).toContainEqual({
      path: "agentName",
      message: "must be at most 60 characters",
    });
    const after = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    expect(after.body.agentConfig.agentName).toBe(before.body.agentConfig.agentName);
  });
});

describe("SMS recipients", () => {
  it("answers 400 listing every bad number with its index, and saves none of the list", async () => {
    const res = await api<Issues>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { smsRecipients: ["+19495550123", "not a number", "12", "(949) 555-0124", "call me"] },
    });
    expect(res.status).toBe(400);
    const issues = res.body.error.issues ?? [];
    expect(issues.map((i) => i.path)).toEqual([
      "smsRecipients.1",
      "smsRecipients.2",
      "smsRecipients.4",
    ]);
    for (const bad of ["not a number", "12", "call me"])
      expect(res.body.error.message).toContain(bad);
    const after = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    expect(after.body.agentConfig.smsRecipients).not.toContain("+19495550123");
  });
});
