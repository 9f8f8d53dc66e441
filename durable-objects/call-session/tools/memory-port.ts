/**
 * Adapter between the memory tools and the memory module (workers/memory): turns its results
 * into what the tools report, and its input rejections (it throws a ZodError for input a caller
 * should have validated) into values, so the model hears the reason.
 */
import { z } from "zod";
import { rememberFact as storeFact } from "../../../workers/memory/memories";
import type {
  MemoryHit,
  RememberFactInput,
  RememberOutcome,
  SearchMemoriesInput,
} from "../../../workers/memory/memory.schema";
import { searchMemories as search } from "../../../workers/memory/search";
import type { TenantContext } from "../../../workers/tenancy/tenant-context";

export type PortResult<T> = ({ ok: true } & T) | { ok: false; error: string };

export interface MemoryPort {
  rememberFact(
    ctx: TenantContext,
    input: RememberFactInput,
  ): Promise<PortResult<{ outcome: RememberOutcome; id: number }>>;
  searchMemories(
    ctx: TenantContext,
    input: SearchMemoriesInput,
  ): Promise<PortResult<{ hits: MemoryHit[] }>>;
}

function rejection(err: unknown): { ok: false; error: string } {
  if (!(err instanceof z.ZodError)) throw err;
  const reasons = err.issues.map((i) => {
    const path = i.path.map(String).join(".");
    return path ? `${path}: ${i.message}` : i.message;
  });
  return { ok: false, error: `not stored: ${reasons.join("; ")}` };
}

export const memory: MemoryPort = {
  async rememberFact(ctx, input) {
    try {
      const { memory: stored, outcome } = await storeFact(ctx, input);
      return { ok: true, outcome, id: stored.id };
    } catch (err) {
      return rejection(err);
    }
  },
  async searchMemories(ctx, input) {
    try {
      return { ok: true, hits: await search(ctx, input) };
    } catch (err) {
      return rejection(err);
    }
  },
};
