import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { seedDemo } from "../../workers/seed/seed";
import { SHARED_CALLER_PHONE } from "../../workers/seed/demo-data";
import { tenantD1 } from "../support/bindings";

async function counts() {
  const platform = await env.PLATFORM_DB.prepare(
    "SELECT (SELECT count(*) FROM tenants) AS tenants, (SELECT count(*) FROM phone_numbers) AS numbers, (SELECT count(*) FROM industry_templates) AS templates",
  ).first();
  const tenant = await tenantD1("TENANT_PETERSON")
    .prepare(
      "SELECT (SELECT count(*) FROM callers) AS callers, (SELECT count(*) FROM memories) AS memories",
    )
    .first();
  return { platform, tenant };
}

describe("local seed", () => {
  it("changes nothing when run a second time", async () => {
    await seedDemo(env);
    const first = await counts();
    await seedDemo(env);
    expect(await counts()).toEqual(first);
  });

  it("seeds the three demo tenants each on its own database", async () => {
    await seedDemo(env);
    const rows = await env.PLATFORM_DB.prepare(
      "SELECT t.business_name, t.d1_binding, t.template_name, p.e164 FROM tenants t JOIN phone_numbers p ON p.tenant_id = t.id WHERE t.id LIKE 'tnt_demo_%' ORDER BY t.id",
    ).all();
    expect(rows.results).toEqual([
      {
        business_name: "Johnson Realty",
        d1_binding: "TENANT_JOHNSON",
        template_name: "real_estate",
        e164: "+16195550177",
      },
      {
        business_name: "Peterson Family Insurance",
        d1_binding: "TENANT_PETERSON",
        template_name: "insurance",
        e164: "+19497071290",
      },
      {
        business_name: "Smith Insurance Agency",
        d1_binding: "TENANT_SMITH",
        template_name: "insurance",
        e164: "+13105550142",
      },
    ]);
  });

  it("gives the Peterson caller the insurance bio line", async () => {
    await seedDemo(env);
    const row = await tenantD1("TENANT_PETERSON")
      .prepare("SELECT bio FROM callers WHERE phone = ?")
      .bind(SHARED_CALLER_PHONE)
      .first<{ bio: string }>();
    expect(row?.bio).toBe("John Smith | Orange County | 2 Auto + 1 Home | Client since 2020");
  });

  it("publishes every industry template, immutable once published", async () => {
    await seedDemo(env);
    const names = await env.PLATFORM_DB.prepare(
      "SELECT name || '_v' || version AS id FROM industry_templates ORDER BY id",
    ).all<{ id: string }>();
    expect(names.results.map((r) => r.id)).toEqual([
      "insurance_v1",
      "medical_dental_v1",
      "mortgage_v1",
      "real_estate_v1",
    ]);
    await expect(
      env.PLATFORM_DB.prepare(
        "UPDATE industry_templates SET label = 'changed' WHERE name = 'insurance'",
      ).run(),
    ).rejects.toThrow(/immutable/);
  });
});
