/**
 * facts — the LLM extracts what is new or changed about the caller, against the facts already
 * known: each becomes a memory (a changed value supersedes the old one, with provenance), and
 * open items the call resolved are closed. The same answer carries the profile patch, which the
 * profile step applies. Idempotent: a fact already known is a duplicate, not a second memory.
 */
import { findOrCreateCaller } from "../../callers/callers";
import { closeFacts, listMemories, rememberFact } from "../../memory/memories";
import { log } from "../../observability/log";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { LlmClient } from "../llm";
import type { PostCallOutcome } from "../post-call.schema";
import { FactExtraction } from "../post-call.schema";
import type { CallInfo } from "./call-data";
import { loadTurns, observedAt, transcriptText } from "./call-data";
import type { CallerResult } from "./caller.step";

export interface FactsResult {
  state: "done" | "pending";
  facts: PostCallOutcome["facts"];
  /** The extraction's profile patch (a JSON object string) for the profile step; null without one. */
  profilePatchJson: string | null;
}

export async function factsStep(
  ctx: TenantContext,
  call: CallInfo,
  caller: CallerResult,
  llm: LlmClient | null,
): Promise<FactsResult> {
  const facts = { added: 0, superseded: 0, duplicate: 0, rejected: 0 };
  if (!llm) return { state: "pending", facts, profilePatchJson: null };
  const phone = caller.phone;
  const turns = await loadTurns(ctx, call.callSid);
  if (!phone || turns.length === 0) return { state: "done", facts, profilePatchJson: null };

  const existing = await listMemories(ctx, { phone, limit: 100 });
  const profile = (await findOrCreateCaller(ctx, phone)).profile;
  const extraction = await llm.structured({
    name: "call_facts",
    schema: FactExtraction,
    system:
      "You maintain a business's memory of its callers. From the transcript, list facts about " +
      "the caller that are new or changed compared to the known facts. Reuse the known fact's " +
      "type and key when a fact changed (the old value becomes history). Types: fact, " +
      "preference, open_item, relationship, vehicle, policy, property, appointment, loan, note. " +
      "List keys of known open items this call resolved. profile_patch_json is a JSON object " +
      "with profile fields the caller stated (same field names as the current profile), or {}.",
    user:
      `Known facts:\n${existing.map((m) => `- ${m.type} ${m.key}: ${m.value}`).join("\n") || "(none)"}\n\n` +
      `Current profile: ${JSON.stringify(profile).slice(0, 4000)}\n\nTranscript:\n${transcriptText(turns)}`,
  });
  for (const fact of extraction.facts) {
    try {
      const result = await rememberFact(ctx, {
        phone,
        type: fact.type,
        key: fact.key,
        value: fact.value,
        confidence: fact.confidence,
        source: { callSid: call.callSid, turn: fact.turn },
        observedAt: observedAt(call),
      });
      facts[result.outcome] += 1;
    } catch (err) {
      facts.rejected += 1;
      log("warn", "post_call.fact_rejected", {
        tenantId: ctx.tenantId,
        callSid: call.callSid,
        message: err instanceof Error ? err.message.slice(0, 200) : "invalid fact",
      });
    }
  }
  const resolvable = existing.filter(
    (m) => m.type === "open_item" && extraction.resolved_open_items.includes(m.key),
  );
  await closeFacts(
    ctx,
    phone,
    resolvable.map((m) => ({ type: m.type, key: m.key })),
    observedAt(call),
  );
  return { state: "done", facts, profilePatchJson: extraction.profile_patch_json };
}
