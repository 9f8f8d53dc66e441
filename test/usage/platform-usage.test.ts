import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import type { ErrorBody } from "../support/members";

describe("platform usage", () => {
  it("gives a tenant's calls, minutes and tokens per day, with empty days as zeros", async () => {
    await seedDemoTenants();
    const admin = await loginAsPlatformAdmin();
    await env.PLATFORM_DB.prepare(
      `INSERT OR REPLACE INTO usage_daily (tenant_id, day, calls, call_seconds, model_input_tokens, model_output_tokens, sms_sent)
       VALUES ('tnt_demo_smith', '2031-03-01', 4, 600, 1000, 500, 3), ('tnt_demo_smith', '2031-03-03', 1, 90, 10, 5, 0)`,
    ).run();
    const res = await api<{
      totals: { calls: number; minutes: number; modelInputTokens: number };
      days: { day: string; calls: number }[];
    }>("GET", "/api/platform/tenants/tnt_demo_smith/usage?from=2031-03-01&to=2031-03-03", {
      auth: { session: admin },
    });
    expect(res.status).toBe(200);
    expect(res.body.days.map((d) => [d.day, d.calls])).toEqual([
      ["2031-03-01", 4],
      ["2031-03-02", 0],
      ["2031-03-03", 1],
    ]);
    expect(res.body.totals).toMatchObject({ calls: 5, minutes: 11.5, modelInputTokens: 1010 });
  });

  it("refuses a range that ends before it starts", async () => {
    const admin = await loginAsPlatformAdmin();
    const res = await api<ErrorBody>("GET", "/api/platform/usage?from=2031-03-05&to=2031-03-01", {
      auth: { session: admin },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("to");
  });
});
