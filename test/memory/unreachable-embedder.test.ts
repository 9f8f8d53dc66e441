import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OpenAiEmbedder } from "../../workers/memory/embedder";
import { rememberFact } from "../../workers/memory/memories";
import { searchMemories } from "../../workers/memory/search";
import { overrideMemoryServices } from "../../workers/memory/services";
import { LocalVectorStore } from "../../workers/memory/vector-store";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { unhandledRejectionsDuring } from "../support/unhandled";
import { freshTenant, uniquePhone } from "./support";

// An OpenAI embeddings host that does not resolve (offline with a key set).
const embedder = new OpenAiEmbedder({
  apiKey: "sk-test",
  baseURL: "http://no-such-host.invalid/v1",
});

let ctx: TenantContext;
beforeAll(async () => {
  ctx = (await freshTenant()).ctx;
});
afterEach(() => overrideMemoryServices(null));

function warnedEvents(spy: { mock: { calls: unknown[][] } }): string[] {
  return spy.mock.calls.map((args) => String(args[0]));
}

describe("memory when the embeddings host cannot be reached", () => {
  it("keeps the fact and logs memory.embed_failed, so the vector is backfilled later", async () => {
    overrideMemoryServices((c) => ({
      embedder,
      vectors: new LocalVectorStore(c.db, embedder.model),
    }));
    const warn = vi.spyOn(console, "warn");
    const phone = uniquePhone();
    const { result, unhandled } = await unhandledRejectionsDuring(() =>
      rememberFact(ctx, { phone, type: "vehicle", key: "car", value: "Drives a 2021 RAV4" }),
    );
    expect(result.outcome).toBe("added");
    const lines = warnedEvents(warn);
    expect(lines.some((l) => l.includes('"event":"memory.embed_failed"'))).toBe(true);
    expect(lines.join("\n")).not.toContain("sk-test");
    expect(unhandled).toEqual([]);
  });

  it("still finds a fact by keyword", async () => {
    const phone = uniquePhone();
    await rememberFact(ctx, { phone, type: "vehicle", key: "car", value: "Drives a 2021 RAV4" });
    overrideMemoryServices((c) => ({
      embedder,
      vectors: new LocalVectorStore(c.db, embedder.model),
    }));
    const { result, unhandled } = await unhandledRejectionsDuring(() =>
      searchMemories(ctx, { query: "RAV4", phone }),
    );
    expect(result.map((m) => m.value)).toContain("Drives a 2021 RAV4");
    expect(unhandled).toEqual([]);
  });
});
