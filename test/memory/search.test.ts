import { beforeAll, describe, expect, it } from "vitest";
import { rememberFact } from "../../workers/memory/memories";
import { ftsQuery, searchMemories } from "../../workers/memory/search";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "./support";

let ctx: TenantContext;
const phone = uniquePhone();
const other = uniquePhone();

beforeAll(async () => {
  ctx = (await freshTenant()).ctx;
  const facts: [string, string, string][] = [
    ["vehicle", "car", "Drives a 2012 Toyota Camry"],
    ["preference", "contact_time", "Prefers calls after 5pm on weekdays"],
    ["relationship", "daughter", "Daughter Emma just got her learner's permit"],
    ["policy", "home_policy", "Home insurance with Travelers, renews in September"],
    ["open_item", "callback", "Asked for a quote on adding his daughter as a driver"],
    ["property", "preferred_neighborhood", "Now focused on La Jolla"],
    ["relationship", "spouse_name", "Married to Ana"],
  ];
  for (const [type, key, value] of facts) await rememberFact(ctx, { phone, type, key, value });
  await rememberFact(ctx, {
    phone,
    type: "vehicle",
    key: "car",
    value: "Replaced the Camry with a 2021 RAV4",
  });
  await rememberFact(ctx, {
    phone: other,
    type: "vehicle",
    key: "car",
    value: "Drives a Honda Civic",
  });
});

describe("searchMemories", () => {
  it("finds a fact by a paraphrase that shares a stem", async () => {
    const hits = await searchMemories(ctx, { query: "what car does he drive", phone });
    expect(hits[0]?.value).toContain("RAV4");
  });

  it("returns only current facts unless history is asked for", async () => {
    const current = await searchMemories(ctx, { query: "Toyota Camry", phone });
    expect(current.every((h) => h.current)).toBe(true);
    expect(current.some((h) => h.value === "Drives a 2012 Toyota Camry")).toBe(false);
    const history = await searchMemories(ctx, {
      query: "Toyota Camry",
      phone,
      includeHistory: true,
    });
    expect(history.some((h) => h.value === "Drives a 2012 Toyota Camry" && !h.current)).toBe(true);
  });

  it("ranks with both legs and says which leg found each hit", async () => {
    const hits = await searchMemories(ctx, { query: "best time to call", phone });
    expect(hits[0]).toMatchObject({ key: "contact_time" });
    expect(hits[0]?.keywordRank ?? hits[0]?.vectorRank).not.toBeNull();
  });

  it("filters by caller and by type", async () => {
    const civic = await searchMemories(ctx, { query: "car", phone: other });
    expect(civic.map((h) => h.value)).toEqual(["Drives a Honda Civic"]);
    const onlyOpen = await searchMemories(ctx, { query: "daughter", phone, types: ["open_item"] });
    expect(onlyOpen.map((h) => h.type)).toEqual(["open_item"]);
  });

  it("answers an unknown caller with an empty list", async () => {
    expect(await searchMemories(ctx, { query: "car", phone: "+15005550000" })).toEqual([]);
  });

  it("finds a fact through its snake_case key when the value shares no word with the question", async () => {
    const hits = await searchMemories(ctx, {
      query: "which neighborhood are they looking in",
      phone,
    });
    expect(hits[0]).toMatchObject({
      key: "preferred_neighborhood",
      value: "Now focused on La Jolla",
    });
    expect(hits[0]?.keywordRank).toBe(1);
  });

  it("finds a fact by a domain synonym of its key (house → home insurance)", async () => {
    const hits = await searchMemories(ctx, { query: "which company insures the house", phone });
    expect(hits[0]?.key).toBe("home_policy");
  });

  it("reads a possessive as the word itself (spouse's → spouse)", async () => {
    const hits = await searchMemories(ctx, { query: "what is the spouse's name", phone });
    expect(hits[0]?.value).toBe("Married to Ana");
  });

  it("expands query words with their synonym group in the FTS query", () => {
    expect(ftsQuery("house")).toContain('"home"');
    expect(ftsQuery("La Jolla")).toBe('"la" OR "jolla"');
  });

  it("treats FTS operators in the query as words", () => {
    expect(ftsQuery('camry" OR NEAR(x')).toBe('"camry" OR "near"');
  });
});
