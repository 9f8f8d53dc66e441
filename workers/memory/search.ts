/**
 * Hybrid memory search. Two legs, each over the same filters (caller, type, time, current):
 * - keyword: D1 FTS5 (`memories_fts`, porter stemming) ranked by BM25;
 * - vector: the query embedded and matched in the tenant's vector store (Vectorize namespace
 *   or local cosine), over-fetched and then filtered against the memory rows;
 * fused with reciprocal rank fusion (score = Σ 1 / (60 + rank)), which needs no score
 * calibration between BM25 and cosine. Only current facts unless `includeHistory`.
 */
import { findCallerByPhone } from "../callers/callers";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { STOPWORDS, synonymsOf, words } from "./embedder";
import type { MemoryHit } from "./memory.schema";
import { SearchMemoriesInput } from "./memory.schema";
import type { MemoryRow } from "./memories";
import { MEMORY_COLUMNS, ensureVectors, toMemoryView } from "./memories";
import { memoryServices } from "./services";

const RRF_K = 60;
/** Cosine below this is noise for the local embedder and for bge alike. */
const MIN_VECTOR_SCORE = 0.12;

/**
 * An FTS5 query from free text: each content word quoted (no operator injection), then the
 * words of its `DOMAIN_SYNONYMS` group (query expansion: "house" also finds a `home_…` key),
 * all OR-ed. FTS5 indexes the memory key too, split at `_` into words.
 */
export function ftsQuery(text: string): string | null {
  const own = [...new Set(words(text).filter((w) => !STOPWORDS.has(w) && w.length > 1))].slice(
    0,
    24,
  );
  if (own.length === 0) return null;
  const terms = new Set(own);
  for (const word of own) for (const synonym of synonymsOf(word)) terms.add(synonym);
  return [...terms]
    .slice(0, 64)
    .map((t) => `"${t.replace(/"/g, "")}"`)
    .join(" OR ");
}

interface Filters {
  sql: string[];
  binds: (string | number)[];
}

function filtersFor(
  callerId: string | null,
  input: { types?: string[]; since?: string; until?: string; includeHistory?: boolean },
): Filters {
  const sql: string[] = [];
  const binds: (string | number)[] = [];
  if (callerId) {
    sql.push("m.caller_id = ?");
    binds.push(callerId);
  }
  if (!input.includeHistory) sql.push("m.valid_to IS NULL");
  if (input.types && input.types.length > 0) {
    sql.push(`m.type IN (${input.types.map(() => "?").join(",")})`);
    binds.push(...input.types);
  }
  if (input.since) {
    sql.push("m.valid_from >= ?");
    binds.push(new Date(input.since).toISOString());
  }
  if (input.until) {
    sql.push("m.valid_from <= ?");
    binds.push(new Date(input.until).toISOString());
  }
  return { sql, binds };
}

async function keywordLeg(
  ctx: TenantContext,
  query: string,
  filters: Filters,
  limit: number,
): Promise<MemoryRow[]> {
  const match = ftsQuery(query);
  if (!match) return [];
  const rows = await ctx.d1
    .prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories_fts f JOIN memories m ON m.id = f.rowid
       WHERE memories_fts MATCH ? ${filters.sql.map((s) => `AND ${s}`).join(" ")}
       ORDER BY bm25(memories_fts), m.id DESC LIMIT ?`,
    )
    .bind(match, ...filters.binds, limit)
    .all<MemoryRow>();
  return rows.results;
}

async function vectorLeg(
  ctx: TenantContext,
  query: string,
  callerId: string | null,
  filters: Filters,
  limit: number,
): Promise<MemoryRow[]> {
  const { embedder, vectors } = memoryServices(ctx);
  if (callerId) await ensureVectors(ctx, callerId);
  const [vector] = await embedder.embed([query]);
  if (!vector) return [];
  // Over-fetch: superseded facts and other filters are applied against the rows afterwards.
  const matches = (
    await vectors.query(vector, { callerId: callerId ?? undefined, topK: limit * 4 })
  ).filter((m) => m.score >= MIN_VECTOR_SCORE);
  if (matches.length === 0) return [];
  const ids = matches.map((m) => m.memoryId);
  const rows = await ctx.d1
    .prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories m
       WHERE m.id IN (${ids.map(() => "?").join(",")}) ${filters.sql.map((s) => `AND ${s}`).join(" ")}`,
    )
    .bind(...ids, ...filters.binds)
    .all<MemoryRow>();
  const byId = new Map(rows.results.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row] : [];
  });
}

/** Reciprocal rank fusion of ranked lists of rows (by id). */
export function fuse(
  legs: { keyword: MemoryRow[]; vector: MemoryRow[] },
  limit: number,
): MemoryHit[] {
  const hits = new Map<number, MemoryHit>();
  const add = (rows: MemoryRow[], leg: "keywordRank" | "vectorRank") => {
    rows.forEach((row, i) => {
      const hit = hits.get(row.id) ?? {
        ...toMemoryView(row),
        score: 0,
        keywordRank: null,
        vectorRank: null,
      };
      hit[leg] = i + 1;
      hit.score += 1 / (RRF_K + i + 1);
      hits.set(row.id, hit);
    });
  };
  add(legs.keyword, "keywordRank");
  add(legs.vector, "vectorRank");
  return [...hits.values()]
    .sort((a, b) => b.score - a.score || (a.validTo === null ? -1 : 1) || b.id - a.id)
    .slice(0, limit);
}

/**
 * Searches a caller's memories (`phone`) or the whole tenant's. An unknown caller has no
 * memories: the answer is an empty list. If the vector leg fails (an embedding outage) the
 * keyword leg still answers.
 */
export async function searchMemories(
  ctx: TenantContext,
  input: {
    query: string;
    phone?: string;
    types?: string[];
    since?: string;
    until?: string;
    limit?: number;
    includeHistory?: boolean;
  },
): Promise<MemoryHit[]> {
  const search = SearchMemoriesInput.parse(input);
  const limit = search.limit ?? 10;
  let callerId: string | null = null;
  if (search.phone) {
    const caller = await findCallerByPhone(ctx, search.phone);
    if (!caller) return [];
    callerId = caller.id;
  }
  const filters = filtersFor(callerId, search);
  const legLimit = Math.max(limit * 3, 20);
  const [keyword, vector] = await Promise.all([
    keywordLeg(ctx, search.query, filters, legLimit),
    vectorLeg(ctx, search.query, callerId, filters, legLimit).catch((err: unknown) => {
      log("warn", "memory.vector_leg_failed", {
        tenantId: ctx.tenantId,
        message: err instanceof Error ? err.message : String(err),
      });
      return [];
    }),
  ]);
  return fuse({ keyword, vector }, limit);
}
