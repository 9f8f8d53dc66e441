/**
 * Memories are facts with history. Writing is add-only: a changed value for the same caller,
 * type and key supersedes the current one (valid_to set, superseded_by pointing at the new
 * row), so "replaced the Camry with a RAV4" keeps both. Exact and near-duplicate facts are
 * recognised and not stored twice. Every new fact is embedded for the vector leg of search.
 */
import { findCallerByPhone, findOrCreateCaller } from "../callers/callers";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { contentTokens, memoryText } from "./embedder";
import type { MemoryView, RememberOutcome } from "./memory.schema";
import { MemoryType, RememberFactInput } from "./memory.schema";
import { memoryServices } from "./services";

export interface MemoryRow {
  id: number;
  caller_id: string;
  type: string;
  key: string;
  value: string;
  source_call_sid: string | null;
  source_turn: number | null;
  confidence: number;
  observed_at: string;
  valid_from: string;
  valid_to: string | null;
  superseded_by: number | null;
  created_at: string;
}

export const MEMORY_COLUMNS =
  "m.id, m.caller_id, m.type, m.key, m.value, m.source_call_sid, m.source_turn, m.confidence, " +
  "m.observed_at, m.valid_from, m.valid_to, m.superseded_by, m.created_at";

export function toMemoryView(row: MemoryRow): MemoryView {
  return {
    id: row.id,
    callerId: row.caller_id,
    type: row.type,
    key: row.key,
    value: row.value,
    source: { callSid: row.source_call_sid, turn: row.source_turn },
    confidence: row.confidence,
    observedAt: row.observed_at,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    supersededBy: row.superseded_by,
    current: row.valid_to === null,
    createdAt: row.created_at,
  };
}

/** Case, spacing and punctuation do not make a fact new. */
export function normalizeValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^\p{L}\p{N}$%]+/gu, " ")
    .trim();
}

function numbersIn(tokens: string[]): string {
  return tokens
    .filter((t) => /\d/.test(t))
    .sort()
    .join(" ");
}

/**
 * Near-duplicate: the same content words (stemmed, stopwords dropped) with the same numbers.
 * Either the word sets are almost equal (Jaccard ≥ 0.8) or the new one adds nothing to the
 * old one. A changed number ("2012" → "2021", "5pm" → "6pm") is never a duplicate.
 */
export function isNearDuplicate(newValue: string, oldValue: string): boolean {
  if (normalizeValue(newValue) === normalizeValue(oldValue)) return true;
  const a = contentTokens(newValue);
  const b = contentTokens(oldValue);
  if (a.length === 0 || b.length === 0) return false;
  if (numbersIn(a) !== numbersIn(b)) return false;
  const setA = new Set(a);
  const setB = new Set(b);
  let shared = 0;
  for (const t of setA) if (setB.has(t)) shared += 1;
  const union = setA.size + setB.size - shared;
  return shared / union >= 0.8 || shared === setA.size;
}

async function currentOfType(
  ctx: TenantContext,
  callerId: string,
  type: string,
): Promise<MemoryRow[]> {
  const rows = await ctx.d1
    .prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories m
       WHERE m.caller_id = ? AND m.type = ? AND m.valid_to IS NULL ORDER BY m.id`,
    )
    .bind(callerId, type)
    .all<MemoryRow>();
  return rows.results;
}

async function memoryById(ctx: TenantContext, id: number): Promise<MemoryRow | null> {
  return ctx.d1
    .prepare(`SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.id = ?`)
    .bind(id)
    .first<MemoryRow>();
}

/** Embeds and upserts memory vectors; a failure is logged, and search backfills later. */
export async function embedMemories(ctx: TenantContext, rows: MemoryRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { embedder, vectors } = memoryServices(ctx);
  try {
    const embeddings = await embedder.embed(rows.map(memoryText));
    await vectors.upsert(
      rows.flatMap((row, i) => {
        const values = embeddings[i];
        return values
          ? [{ memoryId: row.id, callerId: row.caller_id, type: row.type, values }]
          : [];
      }),
    );
    return rows.length;
  } catch (err) {
    log("warn", "memory.embed_failed", {
      tenantId: ctx.tenantId,
      count: rows.length,
      message: err instanceof Error ? err.message : String(err),
    });
    return 0;
  }
}

/** Embeds memories that have no vector yet (seeded rows, an embed that failed), a few at a time. */
export async function ensureVectors(
  ctx: TenantContext,
  callerId: string | null,
  limit = 200,
): Promise<number> {
  const ids = await memoryServices(ctx).vectors.missing(callerId, limit);
  if (ids.length === 0) return 0;
  const rows = await ctx.d1
    .prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories m WHERE m.id IN (${ids.map(() => "?").join(",")})`,
    )
    .bind(...ids)
    .all<MemoryRow>();
  return embedMemories(ctx, rows.results);
}

export interface RememberResult {
  memory: MemoryView;
  outcome: RememberOutcome;
}

/**
 * Stores a fact about the caller behind `phone` (created on first contact). Input is checked
 * with `RememberFactInput`; a ZodError is thrown for input no caller should send (routes and
 * tools validate first and answer 400). Outcomes: `added` (new key), `superseded` (the same
 * key had another current value, now history), `duplicate` (already known; nothing written).
 */
export async function rememberFact(
  ctx: TenantContext,
  input: {
    phone: string;
    type: string;
    key: string;
    value: string;
    source?: { callSid?: string | null; turn?: number | null };
    confidence?: number;
    observedAt?: string;
  },
): Promise<RememberResult> {
  const fact = RememberFactInput.parse(input);
  const caller = await findOrCreateCaller(ctx, fact.phone);
  const current = await currentOfType(ctx, caller.id, fact.type);

  const duplicate =
    current.find((m) => m.key === fact.key && isNearDuplicate(fact.value, m.value)) ??
    current.find((m) => normalizeValue(m.value) === normalizeValue(fact.value)) ??
    current.find(
      (m) => isNearDuplicate(fact.value, m.value) && isNearDuplicate(m.value, fact.value),
    );
  if (duplicate) return { memory: toMemoryView(duplicate), outcome: "duplicate" };

  const observedAt = fact.observedAt
    ? new Date(fact.observedAt).toISOString()
    : new Date().toISOString();
  const sameKey = current.filter((m) => m.key === fact.key);
  // A fact observed before the current one (a late, retried job) becomes history at once.
  const newer = sameKey.find((m) => m.valid_from > observedAt);
  const insert = ctx.d1
    .prepare(
      `INSERT INTO memories (caller_id, type, key, value, source_call_sid, source_turn, confidence,
         observed_at, valid_from, valid_to, superseded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(
      caller.id,
      fact.type,
      fact.key,
      fact.value,
      fact.source?.callSid ?? null,
      fact.source?.turn ?? null,
      fact.confidence ?? 1,
      observedAt,
      observedAt,
      newer ? newer.valid_from : null,
      newer ? newer.id : null,
    );
  const statements = [insert];
  if (!newer && sameKey.length > 0) {
    // One transaction: the new row and the retirement of the old ones land together.
    statements.push(
      ctx.d1
        .prepare(
          `UPDATE memories SET valid_to = ?, superseded_by = (
             SELECT id FROM memories WHERE caller_id = ? AND type = ? AND key = ? AND valid_to IS NULL
             ORDER BY id DESC LIMIT 1)
           WHERE id IN (${sameKey.map(() => "?").join(",")}) AND valid_to IS NULL`,
        )
        .bind(observedAt, caller.id, fact.type, fact.key, ...sameKey.map((m) => m.id)),
    );
  }
  const [inserted] = await ctx.d1.batch<{ id: number }>(statements);
  const id = inserted?.results[0]?.id;
  const row = id === undefined ? null : await memoryById(ctx, id);
  if (!row) throw new Error("memory row missing right after insert");
  await embedMemories(ctx, [row]);
  return {
    memory: toMemoryView(row),
    outcome: !newer && sameKey.length > 0 ? "superseded" : "added",
  };
}

/** Closes current facts without a successor (an open item that was resolved). Kept as history. */
export async function closeFacts(
  ctx: TenantContext,
  phone: string,
  facts: { type: string; key: string }[],
  at = new Date().toISOString(),
): Promise<number> {
  const caller = await findCallerByPhone(ctx, phone);
  if (!caller || facts.length === 0) return 0;
  let closed = 0;
  for (const fact of facts) {
    const res = await ctx.d1
      .prepare(
        "UPDATE memories SET valid_to = ? WHERE caller_id = ? AND type = ? AND key = ? AND valid_to IS NULL",
      )
      .bind(at, caller.id, fact.type, fact.key)
      .run();
    closed += res.meta.changes;
  }
  return closed;
}

export interface ListMemoriesOptions {
  phone?: string;
  types?: string[];
  includeHistory?: boolean;
  limit: number;
  offset?: number;
}

/** A caller's (or the tenant's) memories, newest first. Unknown caller → an empty list. */
export async function listMemories(
  ctx: TenantContext,
  options: ListMemoriesOptions,
): Promise<MemoryView[]> {
  const where: string[] = [];
  const binds: (string | number)[] = [];
  if (options.phone) {
    const caller = await findCallerByPhone(ctx, options.phone);
    if (!caller) return [];
    where.push("m.caller_id = ?");
    binds.push(caller.id);
  }
  if (!options.includeHistory) where.push("m.valid_to IS NULL");
  if (options.types && options.types.length > 0) {
    const types = options.types.filter((t) => MemoryType.safeParse(t).success);
    if (types.length === 0) return [];
    where.push(`m.type IN (${types.map(() => "?").join(",")})`);
    binds.push(...types);
  }
  const rows = await ctx.d1
    .prepare(
      `SELECT ${MEMORY_COLUMNS} FROM memories m
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY m.valid_from DESC, m.id DESC LIMIT ? OFFSET ?`,
    )
    .bind(...binds, options.limit, options.offset ?? 0)
    .all<MemoryRow>();
  return rows.results.map(toMemoryView);
}
