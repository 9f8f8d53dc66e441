import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { LocalEmbedder } from "../../workers/memory/embedder";
import { forgetCaller } from "../../workers/memory/forget";
import { rememberFact } from "../../workers/memory/memories";
import { searchMemories } from "../../workers/memory/search";
import { overrideMemoryServices } from "../../workers/memory/services";
import type { VectorStore } from "../../workers/memory/vector-store";
import { LocalVectorStore, VectorizeStore } from "../../workers/memory/vector-store";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { FakeVectorizeIndex } from "../support/vectorize";
import { freshTenant, uniquePhone } from "./support";

const embedder = new LocalEmbedder();

// Both implementations of the one interface, each over stores that two tenants share as
// production does: one Vectorize index for all tenants, or each tenant's own D1.
const implementations: [string, () => (ctx: TenantContext) => VectorStore][] = [
  ["local", () => (ctx) => new LocalVectorStore(ctx.db, embedder.model)],
  [
    "vectorize",
    () => {
      const index = new FakeVectorizeIndex(["caller"]);
      return (ctx) => new VectorizeStore(index, ctx, embedder.model);
    },
  ],
];

afterEach(() => overrideMemoryServices(null));

describe.each(implementations)("%s vector store", (_name, makeFactory) => {
  let a: TenantContext;
  let b: TenantContext;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      freshTenant().then((t) => t.ctx),
      freshTenant().then((t) => t.ctx),
    ]);
  });

  async function vectorOf(text: string): Promise<Float32Array> {
    const [v] = await embedder.embed([text]);
    if (!v) throw new Error("no embedding");
    return v;
  }

  it("keeps each tenant's vector when two tenants store a memory with the same row id", async () => {
    const storeOf = makeFactory();
    const [red, blue] = await Promise.all([vectorOf("red sports car"), vectorOf("blue sailboat")]);
    await storeOf(a).upsert([{ memoryId: 1, callerId: "cal_a", type: "vehicle", values: red }]);
    await storeOf(b).upsert([{ memoryId: 1, callerId: "cal_b", type: "vehicle", values: blue }]);

    const [hitA] = await storeOf(a).query(red, { topK: 5 });
    const [hitB] = await storeOf(b).query(blue, { topK: 5 });
    expect(hitA).toMatchObject({ memoryId: 1 });
    expect(hitA?.score).toBeCloseTo(1, 5);
    expect(hitB?.score).toBeCloseTo(1, 5);
  });

  it("leaves another tenant's vector when one tenant deletes the same row id", async () => {
    const storeOf = makeFactory();
    const red = await vectorOf("red sports car");
    await storeOf(a).upsert([{ memoryId: 7, callerId: "cal_a", type: "vehicle", values: red }]);
    await storeOf(b).upsert([{ memoryId: 7, callerId: "cal_b", type: "vehicle", values: red }]);

    await storeOf(b).deleteByIds([7]);

    expect((await storeOf(b).query(red, { topK: 5 })).map((m) => m.memoryId)).not.toContain(7);
    expect((await storeOf(a).query(red, { topK: 5 })).map((m) => m.memoryId)).toContain(7);
  });

  it("filters a query to one caller", async () => {
    const storeOf = makeFactory();
    const red = await vectorOf("red sports car");
    await storeOf(a).upsert([
      { memoryId: 11, callerId: "cal_one", type: "vehicle", values: red },
      { memoryId: 12, callerId: "cal_two", type: "vehicle", values: red },
    ]);
    const hits = await storeOf(a).query(red, { callerId: "cal_two", topK: 5 });
    expect(hits.map((m) => m.memoryId)).toEqual([12]);
  });

  it("still finds a tenant's memories by meaning after another tenant forgets a caller", async () => {
    const storeOf = makeFactory();
    overrideMemoryServices((ctx) => ({ embedder, vectors: storeOf(ctx) }));
    const phone = uniquePhone();
    // Tenant databases number their memories alike, so these two rows share an id.
    await rememberFact(a, { phone, type: "vehicle", key: "car", value: "Drives a Volvo" });
    await rememberFact(b, { phone, type: "vehicle", key: "car", value: "Drives a Volvo" });

    await forgetCaller(b, phone);

    const hits = await searchMemories(a, { query: "automobile volvo", phone });
    expect(hits[0]?.vectorRank).toBe(1);
  });
});
