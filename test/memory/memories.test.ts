import { beforeAll, describe, expect, it } from "vitest";
import { isNearDuplicate, listMemories, rememberFact } from "../../workers/memory/memories";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "./support";

let ctx: TenantContext;
beforeAll(async () => {
  ctx = (await freshTenant()).ctx;
});

describe("rememberFact", () => {
  it("adds a new fact with its provenance", async () => {
    const phone = uniquePhone();
    const { memory, outcome } = await rememberFact(ctx, {
      phone,
      type: "vehicle",
      key: "car",
      value: "Drives a 2012 Toyota Camry",
      source: { callSid: "CA0123456789abcdef", turn: 4 },
      confidence: 0.9,
    });
    expect(outcome).toBe("added");
    expect(memory).toMatchObject({
      type: "vehicle",
      key: "car",
      current: true,
      confidence: 0.9,
      source: { callSid: "CA0123456789abcdef", turn: 4 },
    });
  });

  it("keeps the old value as history when a fact changes (Camry → RAV4)", async () => {
    const phone = uniquePhone();
    const first = await rememberFact(ctx, {
      phone,
      type: "vehicle",
      key: "car",
      value: "Drives a 2012 Toyota Camry",
    });
    const second = await rememberFact(ctx, {
      phone,
      type: "vehicle",
      key: "car",
      value: "Replaced the Camry with a 2021 Toyota RAV4",
    });
    expect(second.outcome).toBe("superseded");
    const all = await listMemories(ctx, { phone, includeHistory: true, limit: 10 });
    const old = all.find((m) => m.id === first.memory.id);
    expect(old).toMatchObject({ current: false, supersededBy: second.memory.id });
    expect(old?.validTo).not.toBeNull();
    const current = await listMemories(ctx, { phone, limit: 10 });
    expect(current.map((m) => m.value)).toEqual(["Replaced the Camry with a 2021 Toyota RAV4"]);
  });

  it("does not store an exact or near-duplicate fact twice", async () => {
    const phone = uniquePhone();
    const first = await rememberFact(ctx, {
      phone,
      type: "preference",
      key: "contact_time",
      value: "Prefers calls after 5pm",
    });
    const exact = await rememberFact(ctx, {
      phone,
      type: "preference",
      key: "contact_time",
      value: "prefers calls after 5pm.",
    });
    const near = await rememberFact(ctx, {
      phone,
      type: "preference",
      key: "best_time",
      value: "Prefers calls after 5pm",
    });
    expect(exact).toMatchObject({ outcome: "duplicate", memory: { id: first.memory.id } });
    expect(near.outcome).toBe("duplicate");
    expect(await listMemories(ctx, { phone, includeHistory: true, limit: 10 })).toHaveLength(1);
  });

  it("treats a changed number as a change, not a duplicate", async () => {
    const phone = uniquePhone();
    await rememberFact(ctx, {
      phone,
      type: "preference",
      key: "contact_time",
      value: "Prefers calls after 5pm",
    });
    const changed = await rememberFact(ctx, {
      phone,
      type: "preference",
      key: "contact_time",
      value: "Prefers calls after 6pm",
    });
    expect(changed.outcome).toBe("superseded");
  });

  it("files a fact observed before the current one straight into history", async () => {
    const phone = uniquePhone();
    const now = await rememberFact(ctx, {
      phone,
      type: "fact",
      key: "employer",
      value: "Works at Acme",
      observedAt: "2026-03-01T10:00:00Z",
    });
    const late = await rememberFact(ctx, {
      phone,
      type: "fact",
      key: "employer",
      value: "Works at Globex",
      observedAt: "2025-01-01T10:00:00Z",
    });
    expect(late.memory).toMatchObject({ current: false, supersededBy: now.memory.id });
    expect((await listMemories(ctx, { phone, limit: 5 })).map((m) => m.value)).toEqual([
      "Works at Acme",
    ]);
  });

  it("rejects an unknown memory type and an oversized value", async () => {
    const phone = uniquePhone();
    await expect(
      rememberFact(ctx, { phone, type: "horoscope", key: "sign", value: "Leo" }),
    ).rejects.toThrow(/type/);
    await expect(
      rememberFact(ctx, { phone, type: "note", key: "essay", value: "x".repeat(2001) }),
    ).rejects.toThrow(/2000/);
  });
});

describe("isNearDuplicate", () => {
  it("matches rephrasings with the same words and numbers only", () => {
    expect(isNearDuplicate("Drives a 2012 Toyota Camry", "drives a 2012 toyota camry!")).toBe(true);
    expect(isNearDuplicate("2012 Camry", "Drives a 2012 Toyota Camry")).toBe(true);
    expect(isNearDuplicate("Drives a 2013 Toyota Camry", "Drives a 2012 Toyota Camry")).toBe(false);
    expect(isNearDuplicate("Has a dog named Rex", "Drives a 2012 Toyota Camry")).toBe(false);
  });
});
