/**
 * Embedders: text → unit vectors of EMBEDDING_DIMENSIONS. Production uses Workers AI
 * (`@cf/baai/bge-base-en-v1.5`, 768 dims) or, when configured, OpenAI embeddings asked for 768
 * dims; offline and in tests a deterministic local embedder of the same dimension keeps the
 * same semantics (cosine similarity of normalised vectors), so the code path is identical.
 * Vectors from different models are never compared: each stored vector records its model.
 */
import OpenAI from "openai";

export const EMBEDDING_DIMENSIONS = 768;
export const WORKERS_AI_EMBEDDING_MODEL = "@cf/baai/bge-base-en-v1.5";

export interface Embedder {
  readonly model: string;
  readonly dimensions: number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export function l2normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm === 0) return vector;
  for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

// Words that carry no meaning for recall; dropping them keeps "the" from matching everything.
export const STOPWORDS = new Set(
  (
    "a an and are as at be been but by can could did do does for from had has have he her his how i if in " +
    "into is it its me my no not of on or our she so than that the their them then there these they this " +
    "to was we were what when where which who why will with would you your about also just some any"
  ).split(" "),
);

/** A light stemmer: enough that "drives"/"driving"/"drove" style variants share a feature. */
export function stem(word: string): string {
  let w = word;
  if (w.length > 5 && w.endsWith("ies")) w = `${w.slice(0, -3)}y`;
  else if (w.length > 5 && w.endsWith("ing")) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith("ed")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("es") && !w.endsWith("ses")) w = w.slice(0, -2);
  else if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  return w;
}

/**
 * Lowercased alphanumeric words; `$900k`, `5pm` and `2012` stay one token, snake_case keys
 * split into their words (`preferred_neighborhood` → preferred, neighborhood) as FTS5's
 * unicode61 tokenizer splits them, and a possessive `'s` is dropped (`spouse's` → spouse).
 */
export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:['.][a-z0-9]+)*/g) ?? []).map((w) =>
    w.replace(/'s$/, "").replace(/'/g, ""),
  );
}

/**
 * The local embedder's small domain vocabulary: groups of words that mean the same thing in
 * the four industry templates (insurance, real estate, mortgage, dental/medical) and in how
 * callers speak about them. It stands in for what a trained model (bge in production) knows
 * and nothing more: each group is general vocabulary, no group names a caller's value. Words
 * are matched after `stem`. Used twice: the local embedder adds a shared concept feature for
 * every word of a group, and the keyword leg expands a query word with its group (FTS5 OR).
 */
export const DOMAIN_SYNONYMS: readonly (readonly string[])[] = [
  ["car", "vehicle", "auto", "automobile", "truck", "suv", "drive", "drives", "driving"],
  ["home", "house", "residence", "condo", "homeowner", "dwelling"],
  ["carrier", "insurer", "insurance", "insure", "insures", "insured", "coverage", "cover"],
  ["spouse", "wife", "husband", "married", "partner"],
  ["quote", "price", "pricing", "estimate", "premium", "cost"],
  ["neighborhood", "neighbourhood", "area", "location", "district", "town", "community"],
  ["budget", "spend", "afford", "max", "maximum"],
  ["showing", "tour", "viewing", "walkthrough", "see"],
  ["referral", "referred", "refer", "recommended", "recommendation"],
  ["lender", "bank", "preapproved", "preapproval", "pre", "approved"],
  ["job", "work", "works", "employer", "employed", "occupation"],
  ["document", "documents", "paperwork", "papers", "stubs", "statements"],
  ["appointment", "visit", "booked", "booking", "scheduled", "checkup"],
  ["doctor", "dentist", "dr", "physician", "hygienist", "provider"],
  ["allergy", "allergies", "allergic", "reaction"],
  ["treatment", "procedure", "crown", "filling", "canal", "extraction"],
  ["emergency", "urgent"],
  ["contact", "call", "calls", "called", "phone", "reach", "text"],
  ["prefer", "prefers", "preferred", "preference", "like", "favorite", "rather"],
  ["pending", "outstanding", "open", "owed", "missing", "remaining", "todo"],
  ["down", "deposit"],
  ["credit", "fico", "score"],
  ["loan", "mortgage", "arm", "fixed", "program", "refinance", "refi"],
  ["bedroom", "bedrooms", "beds", "bed"],
  ["kid", "kids", "child", "children", "son", "daughter", "teen"],
];

const SYNONYM_GROUP = new Map<string, number>();
DOMAIN_SYNONYMS.forEach((group, i) => {
  for (const word of group) SYNONYM_GROUP.set(stem(word), i);
});

/** The other words of a stemmed word's synonym group (empty when it has none). */
export function synonymsOf(word: string): string[] {
  const group = SYNONYM_GROUP.get(stem(word));
  if (group === undefined) return [];
  return (DOMAIN_SYNONYMS[group] ?? []).filter((w) => w !== word);
}

export function contentTokens(text: string): string[] {
  return words(text)
    .filter((w) => !STOPWORDS.has(w))
    .map(stem);
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Deterministic feature hashing: stemmed word unigrams (weight 1), a concept feature for
 * words of a `DOMAIN_SYNONYMS` group (1), adjacent word pairs (0.5) and character trigrams of
 * each word (spread over 0.6), signed-hashed into 768 buckets and L2-normalised. Paraphrases sharing words or stems land close; unrelated text lands near 0.
 */
export class LocalEmbedder implements Embedder {
  readonly model = "local-hash-v2";
  readonly dimensions = EMBEDDING_DIMENSIONS;

  embedOne(text: string): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const add = (feature: string, weight: number) => {
      const h = fnv1a(feature);
      const sign = (h & 0x80000000) === 0 ? 1 : -1;
      const index = h % this.dimensions;
      vector[index] = (vector[index] ?? 0) + sign * weight;
    };
    const tokens = contentTokens(text);
    tokens.forEach((token, i) => {
      add(`w:${token}`, 1);
      const group = SYNONYM_GROUP.get(token);
      if (group !== undefined) add(`s:${group}`, 1);
      const next = tokens[i + 1];
      if (next !== undefined) add(`b:${token} ${next}`, 0.5);
      const padded = `^${token}$`;
      const grams = Math.max(1, padded.length - 2);
      for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.6 / grams);
    });
    return l2normalize(vector);
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => this.embedOne(t)));
  }
}

/** The part of the Workers AI binding we use. */
export interface AiBinding {
  run(model: string, input: { text: string[] }): Promise<unknown>;
}

export class WorkersAiEmbedder implements Embedder {
  readonly model = WORKERS_AI_EMBEDDING_MODEL;
  readonly dimensions = EMBEDDING_DIMENSIONS;
  constructor(private readonly ai: AiBinding) {}

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const out: Float32Array[] = [];
    // Workers AI takes up to 100 texts per call.
    for (let i = 0; i < texts.length; i += 100) {
      const result = await this.ai.run(this.model, { text: texts.slice(i, i + 100) });
      const data = (result as { data?: unknown }).data;
      if (!Array.isArray(data)) throw new Error("Workers AI answered without embeddings");
      for (const row of data) {
        if (!Array.isArray(row) || row.length !== this.dimensions)
          throw new Error("Workers AI embedding has the wrong dimension");
        out.push(l2normalize(Float32Array.from(row as number[])));
      }
    }
    return out;
  }
}

export class OpenAiEmbedder implements Embedder {
  readonly dimensions = EMBEDDING_DIMENSIONS;
  readonly #client: OpenAI;
  constructor(
    options: { apiKey: string; baseURL: string; fetch?: typeof fetch },
    readonly model = "text-embedding-3-small",
  ) {
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      fetch: options.fetch,
      maxRetries: 1,
      timeout: 15_000,
    });
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const res = await this.#client.embeddings.create({
      model: this.model,
      input: texts,
      dimensions: this.dimensions,
    });
    return res.data
      .slice()
      .sort((a, b) => a.index - b.index)
      .map((d) => {
        if (d.embedding.length !== this.dimensions)
          throw new Error("OpenAI embedding has the wrong dimension");
        return l2normalize(Float32Array.from(d.embedding));
      });
  }
}

/** The text a memory is embedded as: its type and key (made readable), then its value. */
export function memoryText(memory: { type: string; key: string; value: string }): string {
  const label = (text: string) => text.replace(/[_:]+/g, " ");
  return `${label(memory.type)} ${label(memory.key)}: ${memory.value}`;
}
