/**
 * Memory benchmark (Node): `npm run bench:memory [-- --sizes 1000,10000,100000]`.
 * Runs the real domain code (rememberFact, searchMemories, getEnrichedContext) against a local
 * D1 database in Miniflare (workerd), migrated with migrations/tenant. Prints:
 * - recall@5 for fact questions, stale-fact share for "current" questions, duplicate rate,
 *   over synthetic multi-call callers per template with a hidden ground-truth timeline;
 * - enriched-context p50/p95 with 1k/10k/100k memories in one tenant (filler memories are
 *   bulk-inserted with SQL: enriched context does not read vectors).
 * Latency includes Node ↔ workerd round trips per query, so it is pessimistic.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { getPlatformProxy } from "wrangler";
import { defaultAgentConfig } from "../workers/agents/agent-config.schema";
import { tenantDbFromBinding } from "../workers/db/handles";
import { getEnrichedContext } from "../workers/memory/enriched-context";
import { listMemories, rememberFact } from "../workers/memory/memories";
import { searchMemories } from "../workers/memory/search";
import type { TenantContext } from "../workers/tenancy/tenant-context";

const args = process.argv.slice(2);
const sizesArg = args[args.indexOf("--sizes") + 1];
const SIZES =
  args.includes("--sizes") && sizesArg ? sizesArg.split(",").map(Number) : [1_000, 10_000, 100_000];

async function migratedD1(env: Record<string, unknown>, binding: string): Promise<D1Database> {
  const d1 = env[binding] as D1Database;
  const dir = path.join(import.meta.dirname, "../migrations/tenant");
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()) {
    for (const sql of readFileSync(path.join(dir, file), "utf8").split(
      "--> statement-breakpoint",
    )) {
      if (sql.trim()) await d1.prepare(sql).run();
    }
  }
  return d1;
}

function contextFor(
  d1: D1Database,
  template: { name: string; version: number },
  id: string,
): TenantContext {
  const config = defaultAgentConfig({ businessName: "Bench Agency", agentName: "Bench" });
  return {
    tenantId: id,
    tenant: {
      id,
      slug: id,
      businessName: "Bench Agency",
      status: "active",
      template,
      agentConfig: config,
      d1Binding: "DB",
      createdAt: "",
      updatedAt: "",
    },
    config,
    template,
    db: tenantDbFromBinding(d1),
    d1,
    vectorNamespace: id,
    via: "queue",
    role: null,
  } as TenantContext;
}

interface Timeline {
  type: string;
  key: string;
  question: string;
  /** Values over successive calls; the last is current. */
  values: string[];
}

const TEMPLATES: Record<string, (i: number) => Timeline[]> = {
  insurance: (i) => [
    {
      type: "vehicle",
      key: "car",
      question: "what car does the caller drive",
      values: [
        `Drives a ${2010 + (i % 8)} Toyota Camry`,
        `Replaced the Camry with a ${2020 + (i % 5)} Toyota RAV4`,
      ],
    },
    {
      type: "preference",
      key: "contact_time",
      question: "when does the caller prefer to be called",
      values: [`Prefers calls after ${4 + (i % 4)}pm`, `Prefers calls before ${9 + (i % 3)}am`],
    },
    {
      type: "policy",
      key: "home_policy",
      question: "which carrier insures the home",
      values: ["Home policy with Travelers", "Moved the home policy to Safeco"],
    },
    {
      type: "relationship",
      key: "spouse",
      question: "what is the spouse's name",
      values: [`Spouse is named ${["Ana", "Maya", "Lee", "Sam"][i % 4]}`],
    },
    {
      type: "open_item",
      key: "quote",
      question: "what quote did the caller ask for",
      values: ["Asked for a quote to add a teen driver"],
    },
  ],
  real_estate: (i) => [
    {
      type: "preference",
      key: "budget",
      question: "what is the buyer's budget",
      values: [
        `Budget up to $${700 + (i % 5) * 50}k`,
        `Raised the budget to $${900 + (i % 5) * 50}k`,
      ],
    },
    {
      type: "property",
      key: "target_area",
      question: "which neighborhood are they looking in",
      values: ["Looking in North Park", "Now focused on La Jolla"],
    },
    {
      type: "appointment",
      key: "showing",
      question: "when is the next showing",
      values: [
        `Showing at 12 Ocean View Dr on day ${i % 28}`,
        `Showing moved to 40 Bay St on day ${(i + 3) % 28}`,
      ],
    },
    {
      type: "relationship",
      key: "agent_referral",
      question: "who referred the caller",
      values: [`Referred by neighbor ${["Kim", "Raj", "Tom"][i % 3]}`],
    },
  ],
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function qualityRun(ctx: TenantContext, templateName: string, callers: number) {
  let asked = 0,
    hit = 0,
    currentQuestions = 0,
    stale = 0,
    writes = 0,
    duplicateRows = 0;
  const make = TEMPLATES[templateName];
  if (!make) throw new Error(templateName);
  for (let i = 0; i < callers; i++) {
    const phone = `+1555${String(1_000_000 + i).slice(-7)}`;
    const timeline = make(i);
    const calls = Math.max(...timeline.map((t) => t.values.length)) + 1;
    // Each call re-mentions every fact (as callers do); values change on their own schedule.
    for (let call = 0; call < calls; call++) {
      for (const fact of timeline) {
        const value = fact.values[Math.min(call, fact.values.length - 1)] ?? "";
        await rememberFact(ctx, {
          phone,
          type: fact.type,
          key: fact.key,
          value,
          observedAt: new Date(Date.UTC(2026, 0, 1 + call * 7, 10)).toISOString(),
          source: { callSid: `CA${String(i).padStart(6, "0")}call${call}x`, turn: 1 },
        });
        writes += 1;
      }
    }
    const stored = await listMemories(ctx, { phone, includeHistory: true, limit: 500 });
    const distinct = timeline.reduce((n, t) => n + new Set(t.values).size, 0);
    duplicateRows += Math.max(0, stored.length - distinct);
    for (const fact of timeline) {
      const current = fact.values[fact.values.length - 1] ?? "";
      const hits = await searchMemories(ctx, { query: fact.question, phone, limit: 5 });
      asked += 1;
      if (hits.some((h) => h.value === current)) hit += 1;
      currentQuestions += 1;
      if (hits.some((h) => fact.values.slice(0, -1).includes(h.value) && h.value !== current))
        stale += 1;
    }
  }
  return {
    recallAt5: hit / asked,
    staleShare: stale / currentQuestions,
    duplicateRate: duplicateRows / writes,
    asked,
    writes,
  };
}

async function latencyRun(ctx: TenantContext, d1: D1Database, size: number) {
  const callers = Math.max(10, Math.floor(size / 50));
  const existing =
    (await d1.prepare("SELECT COUNT(*) AS n FROM memories").first<{ n: number }>())?.n ?? 0;
  const perCaller = Math.ceil((size - existing) / callers);
  for (let c = 0; c < callers && perCaller > 0; c++) {
    const phone = `+1666${String(1_000_000 + c).slice(-7)}`;
    await d1
      .prepare("INSERT OR IGNORE INTO callers (id, phone, bio) VALUES (?, ?, ?)")
      .bind(`clr_bench_${c}`, phone, `Bench caller ${c}`)
      .run();
    for (let k = 0; k < perCaller; k += 500) {
      const rows = Math.min(500, perCaller - k);
      const statements = Array.from({ length: rows }, (_, j) =>
        d1
          .prepare(
            "INSERT INTO memories (caller_id, type, key, value, valid_to) VALUES (?, ?, ?, ?, ?)",
          )
          .bind(
            `clr_bench_${c}`,
            j % 3 === 0 ? "open_item" : "fact",
            `k${k + j}`,
            `Bench fact ${k + j} about caller ${c} and their policy`,
            (k + j) % 4 === 0 ? "2026-01-01T00:00:00.000Z" : null,
          ),
      );
      await d1.batch(statements);
    }
  }
  const total =
    (await d1.prepare("SELECT COUNT(*) AS n FROM memories").first<{ n: number }>())?.n ?? 0;
  const samples: number[] = [];
  for (let r = 0; r < 200; r++) {
    const phone = `+1666${String(1_000_000 + (r % callers)).slice(-7)}`;
    const t0 = performance.now();
    const e = await getEnrichedContext(ctx, phone, { deadlineMs: 5000 });
    samples.push(performance.now() - t0);
    if (!e.known) throw new Error("bench caller missing");
  }
  return { memories: total, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

async function main() {
  const started = Date.now();
  console.log(`memory benchmark — ${new Date().toISOString()}`);
  // A throwaway persistence directory: the bench never touches the local dev databases.
  const dir = mkdtempSync(path.join(tmpdir(), "ns-bench-"));
  const proxy = await getPlatformProxy<Record<string, unknown>>({
    configPath: "wrangler.toml",
    persist: { path: dir },
  });
  const bindings = { insurance: "TENANT_POOL_001", real_estate: "TENANT_POOL_002" } as const;
  for (const [templateName, version] of [
    ["insurance", 1],
    ["real_estate", 1],
  ] as const) {
    const d1 = await migratedD1(proxy.env, bindings[templateName]);
    const q = await qualityRun(
      contextFor(d1, { name: templateName, version }, `tnt_bench_${templateName}`),
      templateName,
      40,
    );
    console.log(
      `${templateName.padEnd(12)} recall@5 ${q.recallAt5.toFixed(3)}  stale(current) ${q.staleShare.toFixed(3)}  duplicates ${q.duplicateRate.toFixed(3)}  (${q.asked} questions, ${q.writes} writes)`,
    );
  }
  const d1 = await migratedD1(proxy.env, "TENANT_POOL_003");
  const ctx = contextFor(d1, { name: "insurance", version: 1 }, "tnt_bench_latency");
  for (const size of SIZES) {
    const t0 = Date.now();
    const l = await latencyRun(ctx, d1, size);
    console.log(
      `enriched context @ ${String(l.memories).padStart(6)} memories: p50 ${l.p50.toFixed(2)} ms  p95 ${l.p95.toFixed(2)} ms  (setup+run ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  await proxy.dispose();
  rmSync(dir, { recursive: true, force: true });
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
