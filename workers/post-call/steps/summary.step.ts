/**
 * summary — the call summary for the business: the LLM's (with mood, open items and the
 * per-call scores the metrics step stores), or without an LLM an extractive one, leaving the
 * step `pending` for a later run with an LLM. Open items the LLM lists become caller facts.
 * Idempotent: the LLM summary replaces any earlier one, the extractive one never replaces any.
 */
import { callSummaries } from "../../db/tenant.schema";
import { contentTokens } from "../../memory/embedder";
import { rememberFact } from "../../memory/memories";
import type { TenantContext } from "../../tenancy/tenant-context";
import type { LlmClient } from "../llm";
import { CallAnalysis } from "../post-call.schema";
import type { CallInfo, Turn } from "./call-data";
import { loadTurns, observedAt, transcriptText } from "./call-data";
import type { CallerResult } from "./caller.step";

export interface SummaryResult {
  state: "done" | "pending";
  method: "llm" | "extractive";
  /** The LLM's analysis of the call, for the metrics step; null without one. */
  analysis: CallAnalysis | null;
}

function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * An extractive summary: the caller's most informative sentences (content-word frequency
 * across the call), in call order, plus the agent's closing line. No model involved.
 */
export function extractiveSummary(turns: Turn[]): string {
  const callerSentences = turns
    .filter((t) => t.speaker === "caller")
    .flatMap((t) => sentences(t.text).map((s) => ({ s, seq: t.seq })));
  if (callerSentences.length === 0) return "No caller speech was transcribed.";
  const freq = new Map<string, number>();
  for (const t of turns) for (const w of contentTokens(t.text)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = callerSentences.map((item, i) => {
    const tokens = contentTokens(item.s);
    const score =
      tokens.length === 0
        ? 0
        : tokens.reduce((sum, w) => sum + (freq.get(w) ?? 0), 0) / Math.sqrt(tokens.length);
    return { ...item, i, score };
  });
  const picked = scored
    .slice()
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .sort((a, b) => a.i - b.i)
    .map((p) => p.s);
  const lastAgent = [...turns].reverse().find((t) => t.speaker === "agent");
  let summary = `Caller: ${picked.join(" ")}`;
  if (lastAgent)
    summary += ` Agent closed with: ${sentences(lastAgent.text).slice(-1)[0] ?? lastAgent.text}`;
  return summary.length > 600 ? `${summary.slice(0, 597)}...` : summary;
}

/** Never replaces a summary already stored (an LLM one in particular). */
async function storeExtractiveSummary(
  ctx: TenantContext,
  callSid: string,
  callerId: string | null,
  turns: Turn[],
): Promise<void> {
  await ctx.db
    .insert(callSummaries)
    .values({ callSid, callerId, summary: extractiveSummary(turns), method: "extractive" })
    .onConflictDoNothing({ target: callSummaries.callSid });
}

export async function summaryStep(
  ctx: TenantContext,
  call: CallInfo,
  caller: CallerResult,
  llm: LlmClient | null,
): Promise<SummaryResult> {
  const turns = await loadTurns(ctx, call.callSid);
  if (!llm || turns.length === 0) {
    await storeExtractiveSummary(ctx, call.callSid, caller.callerId, turns);
    // With nothing said there is nothing for a model to add: the step is finished.
    return { state: llm ? "done" : "pending", method: "extractive", analysis: null };
  }
  const analysis = await llm.structured({
    name: "call_summary",
    schema: CallAnalysis,
    system:
      "You summarise phone calls to a business's receptionist for the business's staff. " +
      "Write 1-3 factual sentences (who called, why, what was agreed). List open items the " +
      "business must follow up on (callbacks promised, claims, showings, quotes) with short " +
      "snake_case keys. Score the caller 0..1 on each metric from this call only.",
    user: transcriptText(turns),
  });
  const stored = {
    callerId: caller.callerId,
    summary: analysis.summary,
    method: "llm" as const,
    sentiment: analysis.sentiment,
    openItems: JSON.stringify(analysis.open_items),
  };
  await ctx.db
    .insert(callSummaries)
    .values({ callSid: call.callSid, ...stored })
    .onConflictDoUpdate({ target: callSummaries.callSid, set: stored });
  if (caller.phone) {
    for (const item of analysis.open_items) {
      await rememberFact(ctx, {
        phone: caller.phone,
        type: "open_item",
        key: item.key,
        value: item.text,
        source: { callSid: call.callSid },
        observedAt: observedAt(call),
      });
    }
  }
  return { state: "done", method: "llm", analysis };
}
