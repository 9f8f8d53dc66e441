/**
 * embeddings — vectors, in the tenant's namespace, for any of the caller's facts still lacking
 * one (this call's new facts in particular). Idempotent: facts that have a vector are skipped.
 */
import { ensureVectors } from "../../memory/memories";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { CallerResult } from "./caller.step";

export interface EmbeddingsResult {
  state: "done";
}

export async function embeddingsStep(
  ctx: TenantContext,
  caller: CallerResult,
): Promise<EmbeddingsResult> {
  if (caller.callerId) await ensureVectors(ctx, caller.callerId, 500);
  return { state: "done" };
}
