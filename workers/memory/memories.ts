/**
 * Memories are facts with history. Writing is add-only: a changed value for the same caller,
 * type and key supersedes the current one (valid_to set, superseded_by pointing at the new
 * row), so "replaced the Camry with a RAV4" keeps both. Exact and near-duplicate facts are
 * recognised and not stored twice. Every new fact is embedded for the vector leg of search.
 */
import { and, asc, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { findCallerByPhone, findOrCreateCaller } from "../callers/callers";
import { memories } from "../db/tenant.schema";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import { contentTokens, memoryText } from "./embedder";
import type { MemoryView, RememberOutcome } from "./memory.schema";
import { MemoryType, RememberFactInput } from "./memory.schema";
import { memoryServices } from "./services";

/** A memory row as drizzle reads it. */
export type MemoryRow = typeof memories.$inferSelect;

export function toMemoryView(row: MemoryRow): MemoryView {
  return {
    id: row.id,
    callerId: row.callerId,
    type: row.type,
    key: row.key,
    value: row.value,
    source: { callSid: row.sourceCallSid, turn: row.sourceTurn },
    confidence: row.confidence,
    observedAt: row.observedAt,
    validFrom: row.validFrom,
    validTo: row.validTo,
    supersededBy: row.supersededBy,
    current: row.validTo === null,
    createdAt: row.createdAt,
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

function currentOfType(ctx: TenantContext, callerId: string, type: string): Promise<MemoryRow[]> {
  return ctx.db
    .select()
    .from(memories)
    .where(and(eq(memories.callerId, callerId), eq(memories.type, type), isNull(memories.validTo)))
    .orderBy(asc(memories.id));
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
        return values ? [{ memoryId: row.id, callerId: row.callerId, type: row.type, values }] : [];
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
  const rows = await ctx.db.select().from(memories).where(inArray(memories.id, ids));
  return embedMemories(ctx, rows);
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
  const newer = sameKey.find((m) => m.validFrom > observedAt);
  const insert = ctx.db
    .insert(memories)
    .values({
      callerId: caller.id,
      type: fact.type,
      key: fact.key,
      value: fact.value,
      sourceCallSid: fact.source?.callSid ?? null,
      sourceTurn: fact.source?.turn ?? null,
      confidence: fact.confidence ?? 1,
      observedAt,
      validFrom: observedAt,
      validTo: newer ? newer.validFrom : null,
      supersededBy: newer ? newer.id : null,
    })
    .returning();
  const supersedes = !newer && sameKey.length > 0;
  let row: MemoryRow | undefined;
  if (supersedes) {
    // One transaction: the new row and the retirement of the old ones land together.
    const [inserted] = await ctx.db.batch([
      insert,
      ctx.db
        .update(memories)
        .set({
          validTo: observedAt,
          supersededBy: sql`(SELECT id FROM memories WHERE caller_id = ${caller.id} AND type = ${fact.type}
            AND key = ${fact.key} AND valid_to IS NULL ORDER BY id DESC LIMIT 1)`,
        })
        .where(
          and(
            inArray(
              memories.id,
              sameKey.map((m) => m.id),
            ),
            isNull(memories.validTo),
          ),
        ),
    ]);
    row = inserted[0];
  } else {
    row = (await insert)[0];
  }
  if (!row) throw new Error("memory row missing right after insert");
  await embedMemories(ctx, [row]);
  return { memory: toMemoryView(row), outcome: supersedes ? "superseded" : "added" };
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
    const res = await ctx.db
      .update(memories)
      .set({ validTo: at })
      .where(
        and(
          eq(memories.callerId, caller.id),
          eq(memories.type, fact.type),
          eq(memories.key, fact.key),
          isNull(memories.validTo),
        ),
      )
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
  const where: SQL[] = [];
  if (options.phone) {
    const caller = await findCallerByPhone(ctx, options.phone);
    if (!caller) return [];
    where.push(eq(memories.callerId, caller.id));
  }
  if (!options.includeHistory) where.push(isNull(memories.validTo));
  if (options.types && options.types.length > 0) {
    const types = options.types.filter((t) => MemoryType.safeParse(t).success);
    if (types.length === 0) return [];
    where.push(inArray(memories.type, types));
  }
  const rows = await ctx.db
    .select()
    .from(memories)
    .where(and(...where))
    .orderBy(desc(memories.validFrom), desc(memories.id))
    .limit(options.limit)
    .offset(options.offset ?? 0);
  return rows.map(toMemoryView);
}
