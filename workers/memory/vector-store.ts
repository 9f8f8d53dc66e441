/**
 * The vector leg of memory search, behind one interface:
 * - VectorizeStore (production): one index for caller memory, namespace = the tenant id (from
 *   the tenant context, never from an API caller), metadata `caller` indexed for the filter.
 * - LocalVectorStore (local dev, tests, bench): exact cosine over `memory_vectors` rows in the
 *   tenant's own D1 database, with the same semantics.
 * The interface speaks in memory ids (the integer rowid of `memories`, unique only within one
 * tenant's database); VectorizeStore turns them into index-wide ids (see `vectorId`).
 */
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

function toBytes(vector: Float32Array): ArrayBuffer {
  const copy = new Float32Array(vector);
  return copy.buffer;
}

function fromBytes(value: unknown): Float32Array | null {
  if (value instanceof ArrayBuffer) return new Float32Array(value.slice(0));
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice();
    return new Float32Array(bytes.buffer);
  }
  if (Array.isArray(value)) return new Float32Array(Uint8Array.from(value as number[]).buffer);
  return null;
}

function topK(matches: VectorMatch[], k: number): VectorMatch[] {
  return matches.sort((a, b) => b.score - a.score).slice(0, k);
}

export class LocalVectorStore implements VectorStore {
  readonly kind = "local";
  constructor(
    private readonly d1: D1Database,
    private readonly model: string,
  ) {}

  async upsert(records: VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const now = new Date().toISOString();
    const statements = records.map((r) =>
      this.d1
        .prepare(
          `INSERT INTO memory_vectors (memory_id, caller_id, embedding, model, dimensions, updated_at)
           VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(memory_id) DO UPDATE SET caller_id = excluded.caller_id,
             embedding = excluded.embedding, model = excluded.model,
             dimensions = excluded.dimensions, updated_at = excluded.updated_at`,
        )
        .bind(r.memoryId, r.callerId, toBytes(r.values), this.model, r.values.length, now),
    );
    for (let i = 0; i < statements.length; i += 50)
      await this.d1.batch(statements.slice(i, i + 50));
  }

  async query(vector: Float32Array, options: VectorQuery): Promise<VectorMatch[]> {
    const rows = options.callerId
      ? await this.d1
          .prepare(
            "SELECT memory_id, embedding FROM memory_vectors WHERE caller_id = ? AND model = ?",
          )
          .bind(options.callerId, this.model)
          .all<{ memory_id: number; embedding: unknown }>()
      : await this.d1
          .prepare(
            "SELECT memory_id, embedding FROM memory_vectors WHERE model = ? ORDER BY memory_id DESC LIMIT ?",
          )
          .bind(this.model, LOCAL_TENANT_SCAN_LIMIT)
          .all<{ memory_id: number; embedding: unknown }>();
    const matches: VectorMatch[] = [];
    for (const row of rows.results) {
      const stored = fromBytes(row.embedding);
      if (!stored || stored.length !== vector.length) continue;
      matches.push({ memoryId: row.memory_id, score: dot(vector, stored) });
    }
    return topK(matches, options.topK);
  }

  async deleteByIds(memoryIds: number[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < memoryIds.length; i += 90) {
      const chunk = memoryIds.slice(i, i + 90);
      const res = await this.d1
        .prepare(
          `DELETE FROM memory_vectors WHERE memory_id IN (${chunk.map(() => "?").join(",")})`,
        )
        .bind(...chunk)
        .run();
      deleted += res.meta.changes;
    }
    return deleted;
  }

  async deleteByCaller(callerId: string): Promise<number> {
    const res = await this.d1
      .prepare("DELETE FROM memory_vectors WHERE caller_id = ?")
      .bind(callerId)
      .run();
    return res.meta.changes;
  }

  async missing(callerId: string | null, limit: number): Promise<number[]> {
    const rows = await this.d1
      .prepare(
        `SELECT m.id FROM memories m
         LEFT JOIN memory_vectors v ON v.memory_id = m.id AND v.model = ?
         WHERE v.memory_id IS NULL ${callerId ? "AND m.caller_id = ?" : ""}
         ORDER BY m.id DESC LIMIT ?`,
      )
      .bind(...(callerId ? [this.model, callerId, limit] : [this.model, limit]))
      .all<{ id: number }>();
    return rows.results.map((r) => r.id);
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
    private readonly ctx: Pick<TenantContext, "vectorNamespace" | "d1">,
    model: string,
  ) {
    // "v2": markers of the bare-rowid ids (which collided across tenants) no longer count, so
    // `missing` reports those memories and search re-embeds them under tenant-prefixed ids.
    this.#markers = new LocalVectorStore(ctx.d1, `vectorize:v2:${model}`);
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
    const rows = await this.ctx.d1
      .prepare("SELECT id FROM memories WHERE caller_id = ?")
      .bind(callerId)
      .all<{ id: number }>();
    const deleted = await this.deleteByIds(rows.results.map((r) => r.id));
    await this.#markers.deleteByCaller(callerId);
    return deleted;
  }

  missing(callerId: string | null, limit: number): Promise<number[]> {
    return this.#markers.missing(callerId, limit);
  }
}
