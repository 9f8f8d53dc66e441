/**
 * The memory benchmark's Worker: bundled by bench/memory.ts and run in workerd (Miniflare)
 * with local D1 bindings, so every figure is the real domain code's own time in the runtime
 * (`rememberFact`, `searchMemories`, `getEnrichedContext`), with no Node ↔ workerd hop.
 * workerd advances its clock only across I/O; every timed call here is D1 I/O, so the
 * timings are the wall time of those calls (the JS between the last I/O and the return is
 * not counted, which for these functions is a sort of at most 200 rows).
 *
 * Routes (POST, JSON): /migrate {db, statements}, /quality {db, template, callers},
 * /fill {db, size}, /latency {db, samples}.
 */
import { defaultAgentConfig } from "../workers/agents/agent-config.schema";
import { tenantDbFromBinding } from "../workers/db/handles";
import { getEnrichedContext } from "../workers/memory/enriched-context";
import { listMemories, rememberFact } from "../workers/memory/memories";
import { searchMemories } from "../workers/memory/search";
import type { TenantContext } from "../workers/tenancy/tenant-context";

type BenchEnv = Record<string, D1Database>;

function contextFor(d1: D1Database, template: string, id: string): TenantContext {
  const config = defaultAgentConfig({ businessName: "Bench Agency", agentName: "Bench" });
  const ref = { name: template, version: 1 };
  return {
    tenantId: id,
    tenant: {
      id,
      slug: id,
      businessName: "Bench Agency",
      status: "active",
      template: ref,
      agentConfig: config,
      d1Binding: "DB",
      createdAt: "",
      updatedAt: "",
    },
    config,
    template: ref,
    db: tenantDbFromBinding(d1),
    d1,
    vectorNamespace: id,
    via: "queue",
    role: null,
  };
}

/**
 * One fact of a caller's hidden ground-truth timeline. `key` is the snake_case key the
 * post-call extraction gives such a fact; `values` are what the caller said over successive
 * calls (the last is current); `question` is how an agent asks for it, written without
 * looking at the values (no answer words in the question).
 */
interface Timeline {
  type: string;
  key: string;
  question: string;
  /**
   * A second wording, written after the local embedder's synonym map and not tuned against
   * it: recall on these is reported separately as the honest out-of-sample figure.
   */
  heldOut: string;
  values: string[];
}

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length] as T;

/** Per template: the facts that change across calls, each with the question that asks for it. */
const TEMPLATES: Record<string, (i: number) => Timeline[]> = {
  insurance: (i) => [
    {
      type: "vehicle",
      key: "primary_vehicle",
      question: "what car does the caller drive",
      heldOut: "which vehicle is on the auto policy now",
      values: [
        `Drives a ${2010 + (i % 8)} Toyota Camry`,
        `Replaced the Camry with a ${2020 + (i % 5)} Toyota RAV4`,
      ],
    },
    {
      type: "preference",
      key: "best_time_to_call",
      question: "when is the best time to reach them",
      heldOut: "what hours work for a callback",
      values: [`Prefers calls after ${4 + (i % 4)}pm`, `Prefers calls before ${9 + (i % 3)}am`],
    },
    {
      type: "policy",
      key: "home_insurance_carrier",
      question: "which company insures their house",
      heldOut: "who is the homeowner's insurer",
      values: [
        `Home policy with ${pick(["Travelers", "Allstate", "Chubb"], i)}`,
        `Moved the home policy to ${pick(["Safeco", "Nationwide", "Farmers"], i)}`,
      ],
    },
    {
      type: "relationship",
      key: "spouse_name",
      question: "who is the caller married to",
      heldOut: "what's the name of their husband or wife",
      values: [`Spouse is named ${pick(["Ana", "Maya", "Lee", "Sam"], i)}`],
    },
    {
      type: "open_item",
      key: "quote_request",
      question: "what did they ask us to price for them",
      heldOut: "what pricing did they request",
      values: ["Asked for a quote to add a teen driver"],
    },
  ],
  real_estate: (i) => [
    {
      type: "preference",
      key: "budget_max",
      question: "how much can the buyer spend",
      heldOut: "what's the top of their price range",
      values: [
        `Budget up to $${700 + (i % 5) * 50}k`,
        `Raised the budget to $${900 + (i % 5) * 50}k`,
      ],
    },
    {
      type: "property",
      key: "preferred_neighborhood",
      question: "which neighborhood are they looking in",
      heldOut: "what part of town do they want",
      values: [
        `Looking in ${pick(["North Park", "Hillcrest", "Clairemont"], i)}`,
        `Now focused on ${pick(["La Jolla", "Del Mar", "Point Loma"], i)}`,
      ],
    },
    {
      type: "appointment",
      key: "next_showing",
      question: "when are we touring a house with them next",
      heldOut: "when is the next property viewing scheduled",
      values: [
        `Showing at 12 Ocean View Dr on day ${i % 28}`,
        `Showing moved to 40 Bay St on day ${(i + 3) % 28}`,
      ],
    },
    {
      type: "relationship",
      key: "referral_source",
      question: "who referred the caller",
      heldOut: "how did they hear about us",
      values: [`Referred by neighbor ${pick(["Kim", "Raj", "Tom"], i)}`],
    },
    {
      type: "property",
      key: "bedrooms_needed",
      question: "how many bedrooms do they need",
      heldOut: "how big a home do they need",
      values: [`Needs ${2 + (i % 2)} bedrooms`, `Now needs ${4 + (i % 2)} bedrooms for the family`],
    },
  ],
  mortgage: (i) => [
    {
      type: "loan",
      key: "loan_program",
      question: "what kind of mortgage do they want",
      heldOut: "fixed or adjustable rate",
      values: ["Interested in a 30-year fixed", `Switched to a ${pick(["7/1", "5/1"], i)} ARM`],
    },
    {
      type: "loan",
      key: "down_payment",
      question: "how much will they put down",
      heldOut: "how much cash do they have for the deposit",
      values: [`Has ${5 + (i % 3) * 5}% saved to put down`, `Can now put 20% down`],
    },
    {
      type: "fact",
      key: "credit_score",
      question: "what is their credit score",
      heldOut: "how is their credit",
      values: [`Credit around ${680 + (i % 4) * 10}`, `Credit improved to ${750 + (i % 4) * 10}`],
    },
    {
      type: "fact",
      key: "employer",
      question: "where does the borrower work",
      heldOut: "who is the borrower's employer",
      values: [
        `Works as a nurse at ${pick(["Scripps", "Sharp", "UCSD Health"], i)}`,
        `Started a new job at ${pick(["Kaiser", "Rady Children's", "Palomar"], i)}`,
      ],
    },
    {
      type: "open_item",
      key: "documents_needed",
      question: "what paperwork is still outstanding",
      heldOut: "which documents do we still need from them",
      values: ["Still has to send two pay stubs and last year's W-2"],
    },
  ],
  medical_dental: (i) => [
    {
      type: "appointment",
      key: "next_appointment",
      question: "when is their next visit",
      heldOut: "when are they scheduled to come in",
      values: [
        `Cleaning booked for March ${1 + (i % 20)}`,
        `Cleaning moved to April ${1 + (i % 20)}`,
      ],
    },
    {
      type: "policy",
      key: "dental_insurance",
      question: "which insurance plan covers them",
      heldOut: "who is the patient's dental carrier",
      values: [
        `Covered by Delta Dental PPO`,
        `Switched to ${pick(["MetLife", "Cigna", "Aetna"], i)}`,
      ],
    },
    {
      type: "fact",
      key: "allergies",
      question: "is the patient allergic to anything",
      heldOut: "any drug allergies",
      values: [`Allergic to ${pick(["penicillin", "latex", "codeine"], i)}`],
    },
    {
      type: "preference",
      key: "preferred_dentist",
      question: "which doctor do they like to see",
      heldOut: "which dentist do they prefer",
      values: [`Wants to see Dr. ${pick(["Patel", "Nguyen", "Garcia"], i)}`],
    },
    {
      type: "open_item",
      key: "pending_treatment",
      question: "what treatment still has to be done",
      heldOut: "what work is left on their teeth",
      values: [`Needs a crown on the lower left molar`],
    },
  ],
};

/** Everyday facts every caller also has: distractors, so top-5 has to be earned. */
const DISTRACTORS: { type: string; key: string; values: string[] }[] = [
  { type: "note", key: "pets", values: ["Has two dogs, Bella and Max", "Has a cat named Olive"] },
  { type: "note", key: "hobby", values: ["Plays pickleball on weekends", "Coaches youth soccer"] },
  { type: "fact", key: "email", values: ["Email is on file for documents"] },
  { type: "preference", key: "language", values: ["Speaks English and Spanish"] },
  {
    type: "note",
    key: "small_talk",
    values: ["Mentioned a trip to Portland", "Mentioned a trip to Denver"],
  },
  { type: "fact", key: "birthday", values: ["Birthday is in October", "Birthday is in June"] },
];

/** How a caller re-mentions a known fact: same words, other case and punctuation. */
function restated(value: string, call: number): string {
  return call % 2 === 0 ? value : `${value.toLowerCase()}.`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function quality(d1: D1Database, template: string, callers: number) {
  const make = TEMPLATES[template];
  if (!make) throw new Error(`no bench template ${template}`);
  const ctx = contextFor(d1, template, `tnt_bench_${template}`);
  let asked = 0;
  let hit = 0;
  let askedHeldOut = 0;
  let hitHeldOut = 0;
  let stale = 0;
  let writes = 0;
  let duplicateRows = 0;
  const misses: { question: string; expected: string; got: string[] }[] = [];
  for (let i = 0; i < callers; i++) {
    const phone = `+1555${String(1_000_000 + i).slice(-7)}`;
    const timeline = make(i);
    const distractors = DISTRACTORS.map((d, j) => ({
      ...d,
      values: [pick(d.values, i + j)],
    }));
    const facts = [...timeline, ...distractors];
    const calls = Math.max(...timeline.map((t) => t.values.length)) + 1;
    // Each call re-mentions every fact (as callers do); values change on their own schedule.
    for (let call = 0; call < calls; call++) {
      for (const fact of facts) {
        const index = Math.min(call, fact.values.length - 1);
        const value = fact.values[index] ?? "";
        await rememberFact(ctx, {
          phone,
          type: fact.type,
          key: fact.key,
          value: call > index ? restated(value, call) : value,
          observedAt: new Date(Date.UTC(2026, 0, 1 + call * 7, 10)).toISOString(),
          source: { callSid: `CA${String(i).padStart(6, "0")}call${call}x`, turn: 1 },
        });
        writes += 1;
      }
    }
    const stored = await listMemories(ctx, { phone, includeHistory: true, limit: 500 });
    const distinct = facts.reduce((n, f) => n + new Set(f.values).size, 0);
    duplicateRows += Math.max(0, stored.length - distinct);
    for (const fact of timeline) {
      const current = fact.values[fact.values.length - 1] ?? "";
      const old = fact.values.slice(0, -1).filter((v) => v !== current);
      for (const question of [fact.question, fact.heldOut]) {
        const heldOut = question === fact.heldOut;
        const hits = await searchMemories(ctx, { query: question, phone, limit: 5 });
        if (heldOut) askedHeldOut += 1;
        else asked += 1;
        if (hits.some((h) => h.value === current)) {
          if (heldOut) hitHeldOut += 1;
          else hit += 1;
        } else if (misses.length < 8 && !misses.some((m) => m.question === question))
          misses.push({ question, expected: current, got: hits.map((h) => h.value) });
        if (hits.some((h) => old.some((o) => h.value.toLowerCase().startsWith(o.toLowerCase()))))
          stale += 1;
      }
    }
  }
  return {
    template,
    callers,
    recallAt5: hit / asked,
    recallAt5HeldOut: hitHeldOut / askedHeldOut,
    staleShare: stale / (asked + askedHeldOut),
    duplicateRate: duplicateRows / writes,
    asked,
    writes,
    misses,
  };
}

const FILL_TYPES = ["fact", "preference", "vehicle", "policy", "note", "open_item"];
const FILL_KEYS = ["vehicle", "contact_time", "home_policy", "spouse_name", "hobby", "quote"];
const FILL_MEMORIES_PER_CALLER = 50;

/**
 * Brings the tenant to `size` memories: callers of 50 memories each (a quarter of them
 * superseded history), summaries and personality averages, all generated by SQL inside D1
 * (recursive CTEs, 10k rows a statement), so 100k rows take seconds, not minutes.
 */
async function fill(d1: D1Database, size: number) {
  const count = async (table: string) =>
    (await d1.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())?.n ?? 0;
  const started = Date.now();
  let have = await count("memories");
  const firstCaller = await count("callers");
  const newCallers = Math.ceil(Math.max(0, size - have) / FILL_MEMORIES_PER_CALLER);
  if (newCallers > 0) {
    const last = firstCaller + newCallers - 1;
    await d1.batch([
      d1
        .prepare(
          `WITH RECURSIVE c(n) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT n + 1 FROM c WHERE n < ?)
           INSERT INTO callers (id, phone, first_name, bio, call_count, last_call_at)
           SELECT 'clr_fill_' || n, '+1666' || substr('0000000' || n, -7), 'Caller' || n,
                  'Bench caller ' || n || ', insured since 2019', 3, '2026-01-15T10:00:00.000Z' FROM c`,
        )
        .bind(firstCaller, last),
      d1
        .prepare(
          `WITH RECURSIVE c(n) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT n + 1 FROM c WHERE n < ?),
                          s(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM s WHERE k < 2)
           INSERT INTO call_summaries (call_sid, caller_id, summary, sentiment, method, created_at)
           SELECT 'CAfill' || n || 'x' || k, 'clr_fill_' || n,
                  'Caller ' || n || ' called about their policy and a quote, call ' || k,
                  'neutral', 'llm', '2026-01-' || (10 + k) || 'T10:00:00.000Z' FROM c, s`,
        )
        .bind(firstCaller, last),
      d1
        .prepare(
          `WITH RECURSIVE c(n) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT n + 1 FROM c WHERE n < ?)
           INSERT INTO personality_averages (caller_id, metric, average, samples)
           SELECT 'clr_fill_' || n, m.metric, 0.5, 3 FROM c,
             (SELECT 'sentiment' AS metric UNION ALL SELECT 'patience' UNION ALL SELECT 'urgency') m`,
        )
        .bind(firstCaller, last),
    ]);
    const rows = newCallers * FILL_MEMORIES_PER_CALLER;
    const types = FILL_TYPES.map((t) => `'${t}'`).join(",");
    const keys = FILL_KEYS.map((k) => `'${k}'`).join(",");
    for (let from = 0; from < rows; from += 10_000) {
      const to = Math.min(rows, from + 10_000) - 1;
      await d1
        .prepare(
          `WITH RECURSIVE r(n) AS (SELECT CAST(? AS INTEGER) UNION ALL SELECT n + 1 FROM r WHERE n < ?)
           INSERT INTO memories (caller_id, type, key, value, source_call_sid, source_turn,
             confidence, observed_at, valid_from, valid_to)
           SELECT 'clr_fill_' || (CAST(? AS INTEGER) + n / ${FILL_MEMORIES_PER_CALLER}),
                  json_extract(json_array(${types}), '$[' || (n % ${FILL_TYPES.length}) || ']'),
                  json_extract(json_array(${keys}), '$[' || (n % ${FILL_KEYS.length}) || ']') || '_' || (n % ${FILL_MEMORIES_PER_CALLER}),
                  'Fact ' || n || ': mentioned a ' || (2005 + n % 20) || ' car, a policy renewal and a callback around ' || (1 + n % 12) || 'pm',
                  'CAfill' || (n / ${FILL_MEMORIES_PER_CALLER}) || 'x' || (n % 3), n % 40, 0.6 + (n % 5) / 10.0,
                  '2025-' || substr('0' || (1 + n % 12), -2) || '-15T10:00:00.000Z',
                  '2025-' || substr('0' || (1 + n % 12), -2) || '-15T10:00:00.000Z',
                  CASE WHEN n % 4 = 0 THEN '2026-01-01T00:00:00.000Z' END
           FROM r`,
        )
        .bind(from, to, firstCaller)
        .run();
    }
    have = await count("memories");
  }
  return { memories: have, callers: await count("callers"), tookMs: Date.now() - started };
}

async function latency(d1: D1Database, samples: number) {
  const ctx = contextFor(d1, "insurance", "tnt_bench_latency");
  const callers = await d1
    .prepare("SELECT phone FROM callers WHERE id LIKE 'clr_fill_%' ORDER BY random() LIMIT ?")
    .bind(samples)
    .all<{ phone: string }>();
  const phones = callers.results.map((r) => r.phone);
  if (phones.length === 0) throw new Error("fill first");
  // Warm-up (JIT, SQLite page cache), as a serving isolate is warm: not counted.
  for (const phone of phones.slice(0, 20)) await getEnrichedContext(ctx, phone);
  const context: number[] = [];
  for (let r = 0; r < samples; r++) {
    const phone = pick(phones, r);
    const t0 = performance.now();
    const e = await getEnrichedContext(ctx, phone, { deadlineMs: 5000 });
    context.push(performance.now() - t0);
    if (!e.known || e.memories.length === 0 || e.partial) throw new Error("bench caller missing");
  }
  // Search: the first search of a caller embeds its memories (a one-off backfill for rows
  // written by SQL); warm 20 callers, then time searches over them.
  const warm = phones.slice(0, 20);
  for (const phone of warm) await searchMemories(ctx, { query: "car", phone, limit: 5 });
  const search: number[] = [];
  const queries = ["what car do they drive", "when should we call back", "policy renewal"];
  for (let r = 0; r < Math.min(samples, 100); r++) {
    const t0 = performance.now();
    await searchMemories(ctx, { query: pick(queries, r), phone: pick(warm, r), limit: 5 });
    search.push(performance.now() - t0);
  }
  return {
    samples,
    contextP50: percentile(context, 50),
    contextP95: percentile(context, 95),
    contextP99: percentile(context, 99),
    searchP50: percentile(search, 50),
    searchP95: percentile(search, 95),
  };
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    const body: Record<string, unknown> =
      request.method === "POST" ? await request.json<Record<string, unknown>>() : {};
    const d1 = env[String(body.db)];
    if (!d1) return Response.json({ error: `no D1 binding ${String(body.db)}` }, { status: 400 });
    try {
      switch (url.pathname) {
        case "/migrate": {
          for (const sql of body.statements as string[]) await d1.prepare(sql).run();
          return Response.json({ ok: true });
        }
        case "/quality":
          return Response.json(await quality(d1, String(body.template), Number(body.callers)));
        case "/fill":
          return Response.json(await fill(d1, Number(body.size)));
        case "/latency":
          return Response.json(await latency(d1, Number(body.samples)));
        default:
          return Response.json({ error: "not found" }, { status: 404 });
      }
    } catch (err) {
      const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
      return Response.json({ error: message }, { status: 500 });
    }
  },
};
