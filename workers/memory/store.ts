/**
 * `POST /memory/store`: a memory, a template-validated profile patch, or both. Free text gets a
 * key derived from its content, so an exact repeat is recognised as a duplicate.
 */
import { updateCallerProfile } from "../callers/callers";
import { sha256Hex } from "../lib/crypto";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { TenantContext } from "../tenancy/tenant-context";
import type { RememberResult } from "./memories";
import { rememberFact } from "./memories";

export interface StoreInput {
  phone: string;
  type: string;
  key?: string;
  content?: string;
  confidence?: number;
  observedAt?: string;
  source: { callSid: string | null; turn: number | null };
  profile?: Record<string, unknown>;
}

export interface Stored {
  /** Null when only a profile patch was sent. */
  remembered: RememberResult | null;
  profile: {
    applied: string[];
    rejected: { path: string; message: string }[];
    bio: string;
  } | null;
}

/** A stable key for free-text notes: equal content → equal key, so exact repeats dedupe. */
async function derivedKey(type: string, content: string): Promise<string> {
  const normalized = content.toLowerCase().replace(/\s+/g, " ").trim();
  return `${type}:${(await sha256Hex(normalized)).slice(0, 12)}`;
}

/** A wholly rejected profile patch with nothing else to store is refused (`invalid_profile`). */
export async function storeMemory(ctx: TenantContext, input: StoreInput): Promise<Result<Stored>> {
  let profile: Stored["profile"] = null;
  if (input.profile) {
    const update = await updateCallerProfile(ctx, input.phone, input.profile);
    if (update.applied.length === 0 && update.rejected.length > 0 && input.content === undefined) {
      return fail(
        "invalid_profile",
        `Profile patch rejected: ${update.rejected
          .slice(0, 5)
          .map((r) => `${r.path}: ${r.message}`)
          .join("; ")}`,
        update.rejected,
      );
    }
    profile = { applied: update.applied, rejected: update.rejected, bio: update.caller?.bio ?? "" };
  }
  let remembered: RememberResult | null = null;
  if (input.content !== undefined) {
    remembered = await rememberFact(ctx, {
      phone: input.phone,
      type: input.type,
      key: input.key ?? (await derivedKey(input.type, input.content)),
      value: input.content,
      confidence: input.confidence,
      observedAt: input.observedAt,
      source: input.source,
    });
  }
  return ok({ remembered, profile });
}
