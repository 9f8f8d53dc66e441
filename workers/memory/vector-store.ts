/**
 * The vector leg of memory search, behind one interface:
 * - VectorizeStore (production): one index for caller memory, namespace = the tenant id (from
 *   the tenant context, never from an API caller), metadata `caller` indexed for the filter.
 * - LocalVectorStore (local dev, tests, bench): exact cosine over `memory_vectors` rows in the
 *   tenant's own D1 database, with the same semantics.
 * The interface speaks in memory ids (the integer rowid of `memories`, unique only within one
 * tenant's database); VectorizeStore turns them into index-wide ids (see `vectorId`).
 */
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import type { TenantDb } from "../db/handles";
import { memories, memoryVectors } from "../db/tenant.schema";
import type { TenantContext } from "../tenancy/tenant-context";
import { dot } from "./embedder";

export interface VectorRecord {
  memoryId: number;
  callerId: string;
  type: string;
  values: Float32Array;
}

export interface VectorMatch {
  memoryId: number;
  score: number;
}

export interface VectorQuery {
  /** Restrict to one caller (metadata filter in Vectorize, an index in D1). */
  callerId?: string;
  topK: number;
}

export interface VectorStore {
  readonly kind: "vectorize" | "local";
  upsert(records: VectorRecord[]): Promise<void>;
  query(vector: Float32Array, options: VectorQuery): Promise<VectorMatch[]>;
  deleteByIds(memoryIds: number[]): Promise<number>;
  deleteByCaller(callerId: string): Promise<number>;
  /** Memory ids of this caller that have no vector yet (seeded rows, a failed embed). */
  missing(callerId: string | null, limit: number): Promise<number[]>;
}

/** Tenant-wide local queries scan at most this many of the newest vectors (local dev only). */
export const LOCAL_TENANT_SCAN_LIMIT = 20_000;

function topK(matches: VectorMatch[], k: number): VectorMatch[] {
  return matches.sort((a, b) => b.score - a.score).slice(0, k);
}

export class LocalVectorStore implements VectorStore {
  readonly kind = "local";
  constructor(
    private readonly db: TenantDb,
    private readonly model: string,
  ) {}

  async upsert(records: VectorRecord[]): Promise<void> {
    const now = new Date().toISOString();
    const rows = records.map((r) => ({
      memoryId: r.memoryId,
      callerId: r.callerId,
      embedding: r.values,
      model: this.model,
      dimensions: r.values.length,
      updatedAt: now,
    }));
    for (let i = 0; i < rows.length; i += 50) {
      const [first, ...rest] = rows
        .slice(i, i + 50)
        .map((row) =>
          this.db
            .insert(memoryVectors)
            .values(row)
            .onConflictDoUpdate({ target: memoryVectors.memoryId, set: row }),
        );
      if (first) await this.db.batch([first, ...rest]);
    }
  }

  async query(vector: Float32Array, options: VectorQuery): Promise<VectorMatch[]> {
    const columns = { memoryId: memoryVectors.memoryId, embedding: memoryVectors.embedding };
    const rows = options.callerId
      ? await this.db
          .select(columns)
          .from(memoryVectors)
          .where(
            and(eq(memoryVectors.callerId, options.callerId), eq(memoryVectors.model, this.model)),
          )
      : await this.db
          .select(columns)
          .from(memoryVectors)
          .where(eq(memoryVectors.model, this.model))
          .orderBy(desc(memoryVectors.memoryId))
          .limit(LOCAL_TENANT_SCAN_LIMIT);
    const matches: VectorMatch[] = [];
    for (const row of rows) {
      if (row.embedding.length !== vector.length) continue;
      matches.push({ memoryId: row.memoryId, score: dot(vector, row.embedding) });
    }
    return topK(matches, options.topK);
  }

  async deleteByIds(memoryIds: number[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < memoryIds.length; i += 90) {
      const chunk = memoryIds.slice(i, i + 90);
      const res = await this.db.delete(memoryVectors).where(inArray(memoryVectors.memoryId, chunk));
      deleted += res.meta.changes;
    }
    return deleted;
  }

  async deleteByCaller(callerId: string): Promise<number> {
    const res = await this.db.delete(memoryVectors).where(eq(memoryVectors.callerId, callerId));
    return res.meta.changes;
  }

  async missing(callerId: string | null, limit: number): Promise<number[]> {
    const rows = await this.db
      .select({ id: memories.id })
      .from(memories)
      .leftJoin(
        memoryVectors,
        and(eq(memoryVectors.memoryId, memories.id), eq(memoryVectors.model, this.model)),
      )
      .where(
        and(isNull(memoryVectors.memoryId), callerId ? eq(memories.callerId, callerId) : undefined),
      )
      .orderBy(desc(memories.id))
      .limit(limit);
    return rows.map((r) => r.id);
  }
}

/** The part of the Vectorize binding we use (the real `VectorizeIndex` satisfies it). */
export interface VectorizeLike {
  upsert(vectors: VectorizeVector[]): Promise<unknown>;
  query(vector: number[] | Float32Array, options: VectorizeQueryOptions): Promise<VectorizeMatches>;
  deleteByIds(ids: string[]): Promise<unknown>;
}

/** Vectorize refuses ids longer than this many bytes. */
export const VECTORIZE_MAX_ID_BYTES = 64;
const utf8 = new TextEncoder();

/**
 * Vectorize: namespace = tenant id, metadata `{ caller, type }`; `caller` needs a metadata index
 * (`wrangler vectorize create-metadata-index <index> --property-name caller --type string`).
 * Ids are unique across the whole index, whatever the namespace (an upsert with an existing id
 * replaces that vector, `deleteByIds` is index-wide), and every tenant database numbers its
 * memories from 1: so a vector's id is `<namespace>:<memory id>`, and upserts, queries and
 * deletes all go through that tenant-prefixed id.
 * Vectorize has no "delete by filter", so caller deletion looks up the caller's memory ids in
 * the tenant's D1 first: forget therefore runs this before it deletes the memory rows.
 */
export class VectorizeStore implements VectorStore {
  readonly kind = "vectorize";
  // Marker rows in memory_vectors (no embedding) record which memories Vectorize holds, so
  // `missing` works the same way as locally and forget can count what it erased.
  readonly #markers: LocalVectorStore;
  readonly #prefix: string;
  constructor(
    private readonly index: VectorizeLike,
    private readonly ctx: Pick<TenantContext, "vectorNamespace" | "db">,
    model: string,
  ) {
    // "v2": markers of the bare-rowid ids (which collided across tenants) no longer count, so
    // `missing` reports those memories and search re-embeds them under tenant-prefixed ids.
    this.#markers = new LocalVectorStore(ctx.db, `vectorize:v2:${model}`);
    this.#prefix = `${ctx.vectorNamespace}:`;
  }

  #vectorId(memoryId: number): string {
    const id = `${this.#prefix}${memoryId}`;
    // Tenant ids are short (`tnt_` + 20 characters); a longer one is a bug to see, not to truncate.
    if (utf8.encode(id).byteLength > VECTORIZE_MAX_ID_BYTES)
      throw new Error(`vector id over ${VECTORIZE_MAX_ID_BYTES} bytes for namespace`);
    return id;
  }

  #memoryIdOf(vectorId: string): number | null {
    if (!vectorId.startsWith(this.#prefix)) return null;
    const rest = vectorId.slice(this.#prefix.length);
    const id = Number(rest);
    return /^[0-9]+$/.test(rest) && Number.isSafeInteger(id) ? id : null;
  }

  async upsert(records: VectorRecord[]): Promise<void> {
    await this.#markers.upsert(records.map((r) => ({ ...r, values: new Float32Array(0) })));
    for (let i = 0; i < records.length; i += 500) {
      await this.index.upsert(
        records.slice(i, i + 500).map((r) => ({
          id: this.#vectorId(r.memoryId),
          values: Array.from(r.values),
          namespace: this.ctx.vectorNamespace,
          metadata: { caller: r.callerId, type: r.type },
        })),
      );
    }
  }

  async query(vector: Float32Array, options: VectorQuery): Promise<VectorMatch[]> {
    const result = await this.index.query(Array.from(vector), {
      topK: Math.min(options.topK, 100),
      namespace: this.ctx.vectorNamespace,
      returnValues: false,
      returnMetadata: "none",
      ...(options.callerId ? { filter: { caller: options.callerId } } : {}),
    });
    return result.matches.flatMap((m) => {
      const memoryId = this.#memoryIdOf(m.id);
      return memoryId === null ? [] : [{ memoryId, score: m.score }];
    });
  }

  async deleteByIds(memoryIds: number[]): Promise<number> {
    await this.#markers.deleteByIds(memoryIds);
    for (let i = 0; i < memoryIds.length; i += 1000) {
      await this.index.deleteByIds(memoryIds.slice(i, i + 1000).map((id) => this.#vectorId(id)));
    }
    return memoryIds.length;
  }

  async deleteByCaller(callerId: string): Promise<number> {
    const rows = await this.ctx.db
      .select({ id: memories.id })
      .from(memories)
      .where(eq(memories.callerId, callerId));
    const deleted = await this.deleteByIds(rows.map((r) => r.id));
    await this.#markers.deleteByCaller(callerId);
    return deleted;
  }

  missing(callerId: string | null, limit: number): Promise<number[]> {
    return this.#markers.missing(callerId, limit);
  }
}
