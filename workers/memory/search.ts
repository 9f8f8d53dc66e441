/**
 * Hybrid memory search. Two legs, each over the same filters (caller, type, time, current):
 * - keyword: D1 FTS5 (`memories_fts`, porter stemming) ranked by BM25;
 * - vector: the query embedded and matched in the tenant's vector store (Vectorize namespace
 *   or local cosine), over-fetched and then filtered against the memory rows;
 * fused with reciprocal rank fusion (score = Σ 1 / (60 + rank)), which needs no score
 * calibration between BM25 and cosine. Only current facts unless `includeHistory`.
 */
import type { SQL } from "drizzle-orm";
import { and, eq, gte, inArray, isNull, lte } from "drizzle-orm";
import { findCallerByPhone } from "../callers/callers";
import { memoriesMatching } from "../db/tenant-raw-sql";
import { memories } from "../db/tenant.schema";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { STOPWORDS, synonymsOf, words } from "./embedder";
import type { MemoryHit } from "./memory.schema";
import { SearchMemoriesInput } from "./memory.schema";
import type { MemoryRow } from "./memories";
import { ensureVectors, toMemoryView } from "./memories";
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

/** The conditions both legs apply to the memory rows (undefined: none). */
function filtersFor(
  callerId: string | null,
  input: { types?: string[]; since?: string; until?: string; includeHistory?: boolean },
): SQL | undefined {
  return and(
    callerId ? eq(memories.callerId, callerId) : undefined,
    input.includeHistory ? undefined : isNull(memories.validTo),
    input.types && input.types.length > 0 ? inArray(memories.type, input.types) : undefined,
    input.since ? gte(memories.validFrom, new Date(input.since).toISOString()) : undefined,
    input.until ? lte(memories.validFrom, new Date(input.until).toISOString()) : undefined,
  );
}

async function keywordLeg(
  ctx: TenantContext,
  query: string,
  filters: SQL | undefined,
  limit: number,
): Promise<MemoryRow[]> {
  const match = ftsQuery(query);
  if (!match) return [];
  return memoriesMatching(ctx.db, match, filters, limit);
}

async function vectorLeg(
  ctx: TenantContext,
  query: string,
  callerId: string | null,
  filters: SQL | undefined,
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
  const rows = await ctx.db
    .select()
    .from(memories)
    .where(and(inArray(memories.id, ids), filters));
  const byId = new Map(rows.map((r) => [r.id, r]));
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
