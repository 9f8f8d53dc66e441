/**
 * An in-memory stand-in for the `VectorizeIndex` binding (Vectorize has no local mode), keeping
 * the properties of the real index that our code can get wrong:
 * - ids are unique across the whole index: an upsert with an id that exists replaces that
 *   vector whatever its namespace, and `deleteByIds` deletes index-wide;
 * - a namespace set on upsert scopes queries that name it;
 * - ids and namespaces are at most 64 bytes (the real index refuses longer ones);
 * - metadata filters apply only to properties with a metadata index, and `returnMetadata`
 *   decides how much metadata comes back ("indexed" only the indexed properties);
 * - topK is at most 100, and at most 20 when values or all metadata are returned.
 * Scores are cosine similarity (the index's metric for our embeddings).
 */
import type { VectorizeLike } from "../../workers/memory/vector-store";

type Metadata = Record<string, VectorizeVectorMetadata>;

interface Stored {
  id: string;
  values: number[];
  namespace: string | undefined;
  metadata: Metadata | undefined;
}

const encoder = new TextEncoder();
const MAX_ID_BYTES = 64;

function cosine(a: number[], b: number[]): number {
  let dotProduct = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dotProduct += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dotProduct / Math.sqrt(na * nb);
}

type Scalar = string | number | boolean | null;

function matchesCondition(
  value: VectorizeVectorMetadata | undefined,
  condition: VectorizeVectorMetadataFilter[string],
): boolean {
  const actual: Scalar | undefined =
    typeof value === "string" || typeof value === "number" || typeof value === "boolean"
      ? value
      : undefined;
  if (condition === null || typeof condition !== "object") return actual === condition;
  return Object.entries(condition).every(([op, expected]) => {
    switch (op) {
      case "$eq":
        return actual === expected;
      case "$ne":
        return actual !== expected;
      case "$in":
        return Array.isArray(expected) && actual !== undefined && expected.includes(actual);
      case "$nin":
        return Array.isArray(expected) && !expected.includes(actual);
      default:
        throw new Error(`fake Vectorize: filter operator ${op} is not modelled`);
    }
  });
}

export class FakeVectorizeIndex implements VectorizeLike {
  readonly #vectors = new Map<string, Stored>();
  readonly #indexed: Set<string>;

  /** `indexedProperties`: the metadata indexes created on the index (we create `caller`). */
  constructor(indexedProperties: string[] = ["caller"]) {
    this.#indexed = new Set(indexedProperties);
  }

  upsert(vectors: VectorizeVector[]): Promise<VectorizeAsyncMutation> {
    for (const v of vectors) {
      if (encoder.encode(v.id).byteLength > MAX_ID_BYTES)
        return Promise.reject(new Error(`VECTOR_UPSERT_ERROR: id longer than 64 bytes: ${v.id}`));
      if (v.namespace !== undefined && encoder.encode(v.namespace).byteLength > MAX_ID_BYTES)
        return Promise.reject(new Error("VECTOR_UPSERT_ERROR: namespace longer than 64 bytes"));
    }
    for (const v of vectors)
      this.#vectors.set(v.id, {
        id: v.id,
        values: Array.from(v.values),
        namespace: v.namespace,
        metadata: v.metadata,
      });
    return Promise.resolve({ mutationId: crypto.randomUUID() });
  }

  query(
    vector: number[] | Float32Array,
    options: VectorizeQueryOptions = {},
  ): Promise<VectorizeMatches> {
    const topK = options.topK ?? 5;
    const returnMetadata =
      options.returnMetadata === true
        ? "all"
        : options.returnMetadata === false || options.returnMetadata === undefined
          ? "none"
          : options.returnMetadata;
    const heavy = options.returnValues === true || returnMetadata === "all";
    if (topK > 100 || (heavy && topK > 20))
      return Promise.reject(new Error(`VECTOR_QUERY_ERROR: topK ${topK} is over the limit`));
    const query = Array.from(vector);
    const filter = options.filter ?? {};
    const candidates = [...this.#vectors.values()].filter(
      (v) =>
        (options.namespace === undefined || v.namespace === options.namespace) &&
        Object.entries(filter).every(
          // A property without a metadata index matches nothing, as in the real index.
          ([field, condition]) =>
            this.#indexed.has(field) && matchesCondition(v.metadata?.[field], condition),
        ),
    );
    const matches = candidates
      .map((v) => ({ v, score: cosine(query, v.values) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, topK)
      .map(({ v, score }): VectorizeMatch => {
        const match: VectorizeMatch = { id: v.id, score };
        if (v.namespace !== undefined) match.namespace = v.namespace;
        if (options.returnValues) match.values = v.values;
        if (returnMetadata === "all" && v.metadata) match.metadata = v.metadata;
        if (returnMetadata === "indexed" && v.metadata)
          match.metadata = Object.fromEntries(
            Object.entries(v.metadata).filter(([k]) => this.#indexed.has(k)),
          );
        return match;
      });
    return Promise.resolve({ matches, count: matches.length });
  }

  deleteByIds(ids: string[]): Promise<VectorizeAsyncMutation> {
    for (const id of ids) this.#vectors.delete(id);
    return Promise.resolve({ mutationId: crypto.randomUUID() });
  }

  /** Test inspection: every stored vector, as the index holds it. */
  all(): readonly Stored[] {
    return [...this.#vectors.values()];
  }
}
