/**
 * Which embedder and vector store a tenant's memory uses, chosen from the platform's bindings:
 * `AI` bound → Workers AI embeddings; else `EMBEDDINGS_PROVIDER=openai` with a platform key →
 * OpenAI embeddings; else the deterministic local embedder. `VECTORIZE` bound → Vectorize
 * (namespace = tenant id); else exact cosine over the tenant's own D1.
 *
 * Domain functions take only a TenantContext, so the Worker hands its bindings over once
 * (`configureMemory(env)` in workers/index.ts, which also runs in the Durable Object's isolate).
 * Without that (tests that import the domain directly, the Node benchmark) the local
 * implementations apply, which is what a machine without Vectorize and Workers AI can run.
 */
import type { TenantContext } from "../tenancy/tenant-context";
import type { AiBinding, Embedder } from "./embedder";
import { LocalEmbedder, OpenAiEmbedder, WorkersAiEmbedder } from "./embedder";
import type { VectorStore, VectorizeLike } from "./vector-store";
import { LocalVectorStore, VectorizeStore } from "./vector-store";

export interface MemoryEnv {
  AI?: AiBinding;
  VECTORIZE?: VectorizeLike;
  EMBEDDINGS_PROVIDER?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_EMBEDDING_MODEL?: string;
}

export interface MemoryServices {
  embedder: Embedder;
  vectors: VectorStore;
}

let platformEnv: MemoryEnv = {};
let override: ((ctx: TenantContext) => MemoryServices) | null = null;
const localEmbedder = new LocalEmbedder();
let embedder: Embedder = localEmbedder;
const cache = new WeakMap<TenantContext, MemoryServices>();

function chooseEmbedder(env: MemoryEnv): Embedder {
  if (env.AI) return new WorkersAiEmbedder(env.AI);
  if (env.EMBEDDINGS_PROVIDER === "openai" && env.OPENAI_API_KEY && env.OPENAI_BASE_URL)
    return new OpenAiEmbedder(
      { apiKey: env.OPENAI_API_KEY, baseURL: env.OPENAI_BASE_URL },
      env.OPENAI_EMBEDDING_MODEL,
    );
  return localEmbedder;
}

export function configureMemory(env: MemoryEnv): void {
  if (env === platformEnv) return;
  platformEnv = env;
  embedder = chooseEmbedder(env);
}

/** Tests and the benchmark: replace the services (null restores the configured ones). */
export function overrideMemoryServices(factory: ((ctx: TenantContext) => MemoryServices) | null) {
  override = factory;
}

export function memoryServices(ctx: TenantContext): MemoryServices {
  if (override) return override(ctx);
  const cached = cache.get(ctx);
  if (cached) return cached;
  const vectors: VectorStore = platformEnv.VECTORIZE
    ? new VectorizeStore(platformEnv.VECTORIZE, ctx, embedder.model)
    : new LocalVectorStore(ctx.db, embedder.model);
  const services = { embedder, vectors };
  cache.set(ctx, services);
  return services;
}
