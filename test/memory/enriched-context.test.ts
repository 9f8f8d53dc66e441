import { beforeAll, describe, expect, it } from "vitest";
import { updateCallerProfile } from "../../workers/callers/callers";
import { tenantDbFromBinding } from "../../workers/db/handles";
import { formatContextForAgent, getEnrichedContext } from "../../workers/memory/enriched-context";
import { rememberFact } from "../../workers/memory/memories";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "./support";

let ctx: TenantContext;
const phone = uniquePhone();

beforeAll(async () => {
  ctx = (await freshTenant()).ctx;
  await updateCallerProfile(ctx, phone, {
    first_name: "Dana",
    last_name: "Reyes",
    county: "Orange County",
  });
  await rememberFact(ctx, {
    phone,
    type: "open_item",
    key: "callback",
    value: "Call back with the renewal quote",
  });
  await rememberFact(ctx, {
    phone,
    type: "preference",
    key: "contact_time",
    value: "Mornings only",
  });
  await rememberFact(ctx, {
    phone,
    type: "preference",
    key: "contact_time",
    value: "Evenings only",
  });
  await ctx.d1.batch([
    ctx.d1
      .prepare(
        "INSERT INTO call_summaries (call_sid, caller_id, summary, method, sentiment) VALUES ('CAenrich000001', (SELECT id FROM callers WHERE phone = ?), 'Asked about renewal.', 'llm', 'positive')",
      )
      .bind(phone),
    ctx.d1
      .prepare(
        "INSERT INTO personality_averages (caller_id, metric, average, samples) VALUES ((SELECT id FROM callers WHERE phone = ?), 'patience', 0.8, 2)",
      )
      .bind(phone),
  ]);
});

describe("getEnrichedContext", () => {
  it("gathers profile, bio, summaries, open items, current memories and personality", async () => {
    const e = await getEnrichedContext(ctx, phone);
    expect(e).toMatchObject({ known: true, partial: false, missing: [] });
    expect(e.caller?.firstName).toBe("Dana");
    expect(e.bio).toContain("Dana");
    expect(e.openItems.map((o) => o.text)).toEqual(["Call back with the renewal quote"]);
    expect(e.memories.map((m) => m.value)).toEqual(["Evenings only"]);
    expect(e.recentSummaries[0]?.summary).toBe("Asked about renewal.");
    expect(e.personality.patience).toEqual({ average: 0.8, samples: 2 });
  });

  it("answers an unknown caller with an empty, well-formed context", async () => {
    const e = await getEnrichedContext(ctx, "+15005550001");
    expect(e).toMatchObject({
      known: false,
      caller: null,
      memories: [],
      openItems: [],
      partial: false,
    });
    expect(formatContextForAgent(e)).toContain("first-time caller");
  });

  it("returns what it has, marked partial, when the deadline passes", async () => {
    // A database binding where the summaries query hangs for longer than the deadline; the
    // context's drizzle handle is built on that same binding, so every statement goes through it.
    const delayed = async <T>(run: () => Promise<T>): Promise<T> => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return run();
    };
    const slow = {
      prepare(sql: string) {
        const statement = ctx.d1.prepare(sql);
        if (!sql.includes("call_summaries")) return statement;
        return {
          bind: (...values: unknown[]) => {
            const bound = statement.bind(...values);
            return {
              all: () => delayed(() => bound.all()),
              raw: () => delayed(() => bound.raw()),
              first: () => delayed(() => bound.first()),
              run: () => delayed(() => bound.run()),
            };
          },
        };
      },
    } as unknown as D1Database;
    const slowCtx = { ...ctx, d1: slow, db: tenantDbFromBinding(slow) };
    const e = await getEnrichedContext(slowCtx, phone, { deadlineMs: 40 });
    expect(e).toMatchObject({ partial: true, missing: ["summaries"], recentSummaries: [] });
    expect(e.caller?.firstName).toBe("Dana");
    expect(formatContextForAgent(e)).toContain("summaries not loaded in time");
  });

  it("formats a compact block for the agent's instructions", async () => {
    const text = formatContextForAgent(await getEnrichedContext(ctx, phone));
    expect(text).toContain("Dana Reyes");
    expect(text).toContain("Call back with the renewal quote");
    expect(text).toContain("Evenings only");
    expect(text).not.toContain("Mornings only");
    expect(text.length).toBeLessThan(3000);
  });
});
