/**
 * Memory benchmark: `npm run bench:memory [-- --sizes 1000,10000,100000 --callers 40]`.
 *
 * Bundles bench/memory-worker.ts (which imports the real rememberFact, searchMemories and
 * getEnrichedContext) with esbuild and runs it in workerd through Miniflare, with local D1
 * databases migrated from migrations/tenant in a throwaway directory. Node only sends one
 * request per step; all timing happens inside the Worker. Prints per template:
 * recall@5 for fact questions, the share of "current" questions answered with a stale fact,
 * and the duplicate rate; then per tenant size: enriched-context p50/p95 (and search p50/p95)
 * with 1k / 10k / 100k memories in one tenant.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { build } from "esbuild";

/** The part of Miniflare 4 (the one wrangler runs `wrangler dev` with) the bench uses. */
interface MiniflareLike {
  dispatchFetch(url: string, init: { method: string; body: string }): Promise<Response>;
  dispose(): Promise<void>;
}
// Wrangler's own Miniflare (v4): the top-level `miniflare` package is vitest-pool's v5 alpha.
const wranglerRequire = createRequire(createRequire(import.meta.url).resolve("wrangler"));
const { Miniflare } = wranglerRequire("miniflare") as {
  Miniflare: new (options: Record<string, unknown>) => MiniflareLike;
};

const args = process.argv.slice(2);
function arg(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const SIZES = (arg("sizes") ?? "1000,10000,100000").split(",").map(Number);
const CALLERS = Number(arg("callers") ?? 40);
const SAMPLES = Number(arg("samples") ?? 200);
const TEMPLATES = (arg("templates") ?? "insurance,real_estate,mortgage,medical_dental").split(",");

const root = path.join(import.meta.dirname, "..");

function migrationStatements(): string[] {
  const dir = path.join(root, "migrations/tenant");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(dir, file), "utf8")
        .split("--> statement-breakpoint")
        .map((s) => s.trim())
        .filter(Boolean),
    );
}

interface Quality {
  template: string;
  callers: number;
  recallAt5: number;
  recallAt5HeldOut: number;
  staleShare: number;
  duplicateRate: number;
  asked: number;
  writes: number;
  misses: { question: string; expected: string; got: string[] }[];
}
interface Fill {
  memories: number;
  callers: number;
  tookMs: number;
}
interface Latency {
  samples: number;
  contextP50: number;
  contextP95: number;
  contextP99: number;
  searchP50: number;
  searchP95: number;
}

async function main() {
  const started = Date.now();
  console.log(`memory benchmark — ${new Date().toISOString()} (in workerd via Miniflare)`);
  const dir = mkdtempSync(path.join(tmpdir(), "ns-bench-memory-"));
  const outfile = path.join(dir, "memory-worker.js");
  await build({
    entryPoints: [path.join(root, "bench/memory-worker.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    external: ["node:*", "cloudflare:*"],
    logLevel: "warning",
  });
  const dbs = [...TEMPLATES.map((t) => `Q_${t}`), "LATENCY"];
  const mf = new Miniflare({
    modules: true,
    scriptPath: outfile,
    modulesRoot: dir,
    compatibilityDate: "2026-04-20",
    compatibilityFlags: ["nodejs_compat"],
    d1Databases: Object.fromEntries(dbs.map((b) => [b, `bench-${b.toLowerCase()}`])),
    // On disk in the throwaway directory, as `wrangler dev` keeps local D1.
    d1Persist: path.join(dir, "d1"),
  });
  const call = async <T>(route: string, body: Record<string, unknown>): Promise<T> => {
    const res = await mf.dispatchFetch(`http://bench${route}`, {
      method: "POST",
      body: JSON.stringify(body),
    });
    const json = await res.json<T & { error?: string }>();
    if (!res.ok) throw new Error(`${route}: ${json.error ?? res.status}`);
    return json;
  };
  try {
    const statements = migrationStatements();
    for (const db of dbs) await call("/migrate", { db, statements });

    console.log(`\nretrieval quality (${CALLERS} callers per template)`);
    for (const template of TEMPLATES) {
      const t0 = Date.now();
      const q = await call<Quality>("/quality", {
        db: `Q_${template}`,
        template,
        callers: CALLERS,
      });
      console.log(
        `${template.padEnd(15)} recall@5 ${q.recallAt5.toFixed(3)} (held-out wording ${q.recallAt5HeldOut.toFixed(3)})  stale(current) ${q.staleShare.toFixed(3)}  duplicates ${q.duplicateRate.toFixed(3)}  (${q.asked}+${q.asked} questions, ${q.writes} writes, ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
      for (const m of q.misses)
        console.log(
          `  miss: "${m.question}" → wanted "${m.expected}", got ${JSON.stringify(m.got)}`,
        );
    }

    console.log(`\nlatency inside the Worker (${SAMPLES} enriched contexts per size)`);
    for (const size of SIZES) {
      const t0 = Date.now();
      const f = await call<Fill>("/fill", { db: "LATENCY", size });
      const l = await call<Latency>("/latency", { db: "LATENCY", samples: SAMPLES });
      console.log(
        `@ ${String(f.memories).padStart(6)} memories (${f.callers} callers): enriched context p50 ${l.contextP50.toFixed(2)} ms  p95 ${l.contextP95.toFixed(2)} ms  p99 ${l.contextP99.toFixed(2)} ms | search p50 ${l.searchP50.toFixed(2)} ms  p95 ${l.searchP95.toFixed(2)} ms  (fill ${(f.tookMs / 1000).toFixed(1)} s, step ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
      );
    }
  } finally {
    await mf.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();
