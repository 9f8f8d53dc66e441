/**
 * The post-call pipeline for one call, idempotent per CallSid: `post_call_jobs.steps` records
 * each finished step, so a redelivered or retried job skips what is done and a job delivered
 * twice changes nothing the second time. Steps:
 *   caller      — link the call to its caller, count the call (one transaction with the mark);
 *   summary     — LLM summary (or, without an LLM, an extractive one: step left `pending`);
 *   facts       — LLM fact extraction against the caller's current facts → rememberFact;
 *   profile     — the extraction's profile patch → updateCallerProfile (template-validated);
 *   metrics     — per-call personality scores and the caller's averages (recomputed, so exact);
 *   embeddings  — vectors for any of the caller's facts still lacking one.
 * With no LLM configured the LLM steps stay `pending` and the job ends `pending_llm`;
 * `POST /v2/process-call` (or a redelivery) runs them later.
 */
import { findOrCreateCaller, updateCallerProfile } from "../callers/callers";
import type { CallerView } from "../callers/callers";
import { ensureVectors, listMemories, closeFacts, rememberFact } from "../memory/memories";
import { contentTokens } from "../memory/embedder";
import { normalizePhone } from "../lib/phone";
import { queueCallSummarySms } from "../messaging/call-summary-sms";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import type { LlmClient } from "./llm";
import type { JobSteps, PostCallOutcome, StepName } from "./post-call.schema";
import { CallAnalysis, FactExtraction, JobSteps as JobStepsSchema } from "./post-call.schema";

interface CallRow {
  call_sid: string;
  caller_id: string | null;
  from_number: string;
  started_at: string;
  ended_at: string | null;
}

export interface Turn {
  seq: number;
  speaker: "caller" | "agent" | "system";
  text: string;
}

const LLM_STEPS: StepName[] = ["summary", "facts", "profile", "metrics"];
const MAX_TRANSCRIPT_CHARS = 24_000;

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

function transcriptText(turns: Turn[]): string {
  const lines = turns.map((t) => `[${t.seq}] ${t.speaker}: ${t.text}`);
  let text = lines.join("\n");
  // Keep the end of long calls: decisions and promises come last.
  if (text.length > MAX_TRANSCRIPT_CHARS) text = text.slice(text.length - MAX_TRANSCRIPT_CHARS);
  return text;
}

async function loadSteps(
  ctx: TenantContext,
  callSid: string,
): Promise<{ steps: JobSteps; status: string }> {
  await ctx.d1
    .prepare("INSERT INTO post_call_jobs (call_sid) VALUES (?) ON CONFLICT(call_sid) DO NOTHING")
    .bind(callSid)
    .run();
  const row = await ctx.d1
    .prepare("SELECT steps, status FROM post_call_jobs WHERE call_sid = ?")
    .bind(callSid)
    .first<{ steps: string; status: string }>();
  let steps: JobSteps = {};
  try {
    const parsed = JobStepsSchema.safeParse(JSON.parse(row?.steps ?? "{}"));
    if (parsed.success) steps = parsed.data;
  } catch {
    steps = {};
  }
  return { steps, status: row?.status ?? "queued" };
}

function markStatement(ctx: TenantContext, callSid: string, steps: JobSteps): D1PreparedStatement {
  return ctx.d1
    .prepare("UPDATE post_call_jobs SET steps = ?, updated_at = ? WHERE call_sid = ?")
    .bind(JSON.stringify(steps), new Date().toISOString(), callSid);
}

async function mark(ctx: TenantContext, callSid: string, steps: JobSteps): Promise<void> {
  await markStatement(ctx, callSid, steps).run();
}

export interface RunOptions {
  llm: LlmClient | null;
  requestId?: string;
}

/** Runs whatever is left of the post-call work for `callSid`. Throws on transient failures. */
export async function runPostCall(
  ctx: TenantContext,
  callSid: string,
  options: RunOptions,
): Promise<PostCallOutcome> {
  const outcome: PostCallOutcome = {
    callSid,
    status: "missing",
    unchanged: false,
    steps: {},
    summaryMethod: null,
    facts: { added: 0, superseded: 0, duplicate: 0, rejected: 0 },
    profileRejected: [],
  };
  const call = await ctx.d1
    .prepare(
      "SELECT call_sid, caller_id, from_number, started_at, ended_at FROM calls WHERE call_sid = ?",
    )
    .bind(callSid)
    .first<CallRow>();
  if (!call) return outcome;

  const { steps, status } = await loadSteps(ctx, callSid);
  outcome.steps = steps;
  const remaining = (["caller", ...LLM_STEPS, "embeddings"] as StepName[]).filter(
    (s) => steps[s] !== "done",
  );
  const canProgress = remaining.some((s) => !LLM_STEPS.includes(s) || options.llm !== null);
  if (remaining.length === 0 || (!canProgress && status === "pending_llm")) {
    // A run that failed after its steps but before the texts were queued finishes them here.
    await queueSummaryTexts(ctx, call);
    outcome.status = remaining.length === 0 ? "done" : "pending_llm";
    outcome.unchanged = true;
    return outcome;
  }

  await ctx.d1
    .prepare(
      "UPDATE post_call_jobs SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE call_sid = ?",
    )
    .bind(new Date().toISOString(), callSid)
    .run();

  try {
    await runSteps(ctx, call, steps, options, outcome);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    await ctx.d1
      .prepare(
        "UPDATE post_call_jobs SET status = 'failed', last_error = ?, updated_at = ? WHERE call_sid = ?",
      )
      .bind(message.slice(0, 500), new Date().toISOString(), callSid)
      .run();
    throw err;
  }

  await queueSummaryTexts(ctx, call);

  const allDone = [...LLM_STEPS, "caller", "embeddings"].every(
    (s) => steps[s as StepName] === "done",
  );
  outcome.status = allDone ? "done" : "pending_llm";
  await ctx.d1.batch([
    ctx.d1
      .prepare(
        "UPDATE post_call_jobs SET status = ?, steps = ?, last_error = NULL, updated_at = ? WHERE call_sid = ?",
      )
      .bind(outcome.status, JSON.stringify(steps), new Date().toISOString(), callSid),
    ctx.d1
      .prepare("UPDATE calls SET post_call_status = ?, updated_at = ? WHERE call_sid = ?")
      .bind(outcome.status, new Date().toISOString(), callSid),
  ]);
  log("info", "post_call.finished", {
    tenantId: ctx.tenantId,
    callSid,
    requestId: options.requestId,
    result: outcome.status,
    factsAdded: outcome.facts.added,
    factsSuperseded: outcome.facts.superseded,
  });
  return outcome;
}

/**
 * Queues the call summary for the business's SMS recipients once a summary exists (the LLM's,
 * or the extractive one when no LLM is configured). The outbox dedupes per call and recipient,
 * so later runs (a finished LLM step, a redelivery) never text the business twice.
 */
async function queueSummaryTexts(ctx: TenantContext, call: CallRow): Promise<void> {
  if (ctx.config.smsRecipients.length === 0) return;
  const row = await ctx.d1
    .prepare(
      `SELECT s.summary, c.outcome, c.duration_seconds, cl.first_name, cl.last_name
         FROM call_summaries s JOIN calls c ON c.call_sid = s.call_sid
         LEFT JOIN callers cl ON cl.id = c.caller_id
        WHERE s.call_sid = ?`,
    )
    .bind(call.call_sid)
    .first<{
      summary: string;
      outcome: string | null;
      duration_seconds: number | null;
      first_name: string | null;
      last_name: string | null;
    }>();
  if (!row) return;
  const callerName = [row.first_name, row.last_name].filter(Boolean).join(" ") || null;
  await queueCallSummarySms(ctx, {
    callSid: call.call_sid,
    callerPhone: call.from_number,
    callerName,
    outcome: row.outcome,
    summary: row.summary,
    durationSeconds: row.duration_seconds,
  });
}

/** Never replaces a summary already stored (an LLM one in particular). */
async function storeExtractiveSummary(
  ctx: TenantContext,
  callSid: string,
  callerId: string | null,
  turns: Turn[],
): Promise<void> {
  await ctx.d1
    .prepare(
      `INSERT INTO call_summaries (call_sid, caller_id, summary, method) VALUES (?, ?, ?, 'extractive')
       ON CONFLICT(call_sid) DO NOTHING`,
    )
    .bind(callSid, callerId, extractiveSummary(turns))
    .run();
}

async function runSteps(
  ctx: TenantContext,
  call: CallRow,
  steps: JobSteps,
  options: RunOptions,
  outcome: PostCallOutcome,
): Promise<void> {
  const callSid = call.call_sid;
  const turns = (
    await ctx.d1
      .prepare("SELECT seq, speaker, text FROM transcript_turns WHERE call_sid = ? ORDER BY seq")
      .bind(callSid)
      .all<Turn>()
  ).results;
  const phone = normalizePhone(call.from_number);
  const callAt = call.ended_at ?? call.started_at;
  const caller: CallerView | null = phone ? await findOrCreateCaller(ctx, phone) : null;

  // caller: link and count, atomically with the step mark so a retry never counts twice.
  if (steps.caller !== "done") {
    steps.caller = "done";
    const statements = [markStatement(ctx, callSid, steps)];
    if (caller) {
      statements.unshift(
        ctx.d1
          .prepare("UPDATE calls SET caller_id = ? WHERE call_sid = ? AND caller_id IS NULL")
          .bind(caller.id, callSid),
        ctx.d1
          .prepare(
            `UPDATE callers SET call_count = call_count + 1,
               last_call_at = CASE WHEN last_call_at IS NULL OR last_call_at < ? THEN ? ELSE last_call_at END,
               updated_at = ? WHERE id = ?`,
          )
          .bind(call.started_at, call.started_at, new Date().toISOString(), caller.id),
      );
    }
    await ctx.d1.batch(statements);
  }
  const callerId = caller?.id ?? null;

  // summary + metrics share one LLM answer; each step is marked on its own.
  if (steps.summary !== "done" || steps.metrics !== "done") {
    if (!options.llm) {
      await storeExtractiveSummary(ctx, callSid, callerId, turns);
      outcome.summaryMethod = "extractive";
      steps.summary = "pending";
      steps.metrics = "pending";
      await mark(ctx, callSid, steps);
    } else if (turns.length > 0) {
      const analysis = await options.llm.structured({
        name: "call_summary",
        schema: CallAnalysis,
        system:
          "You summarise phone calls to a business's receptionist for the business's staff. " +
          "Write 1-3 factual sentences (who called, why, what was agreed). List open items the " +
          "business must follow up on (callbacks promised, claims, showings, quotes) with short " +
          "snake_case keys. Score the caller 0..1 on each metric from this call only.",
        user: transcriptText(turns),
      });
      if (steps.summary !== "done") {
        const statements = [
          ctx.d1
            .prepare(
              `INSERT INTO call_summaries (call_sid, caller_id, summary, method, sentiment, open_items)
               VALUES (?, ?, ?, 'llm', ?, ?)
               ON CONFLICT(call_sid) DO UPDATE SET summary = excluded.summary, method = 'llm',
                 sentiment = excluded.sentiment, open_items = excluded.open_items, caller_id = excluded.caller_id`,
            )
            .bind(
              callSid,
              callerId,
              analysis.summary,
              analysis.sentiment,
              JSON.stringify(analysis.open_items),
            ),
        ];
        steps.summary = "done";
        statements.push(markStatement(ctx, callSid, steps));
        await ctx.d1.batch(statements);
        if (phone) {
          for (const item of analysis.open_items) {
            await rememberFact(ctx, {
              phone,
              type: "open_item",
              key: item.key,
              value: item.text,
              source: { callSid },
              observedAt: callAt,
            });
          }
        }
      }
      outcome.summaryMethod = "llm";
      if (steps.metrics !== "done" && callerId) {
        const now = new Date().toISOString();
        const statements = Object.entries(analysis.metrics).map(([metric, value]) =>
          ctx.d1
            .prepare(
              `INSERT INTO personality_metrics (call_sid, caller_id, metric, value) VALUES (?, ?, ?, ?)
               ON CONFLICT(call_sid, metric) DO NOTHING`,
            )
            .bind(callSid, callerId, metric, value),
        );
        // Averages are recomputed from the per-call rows, so a retry can never double-count.
        statements.push(
          ctx.d1
            .prepare(
              `INSERT INTO personality_averages (caller_id, metric, average, samples, updated_at)
               SELECT caller_id, metric, AVG(value), COUNT(*), ? FROM personality_metrics
               WHERE caller_id = ? GROUP BY caller_id, metric
               ON CONFLICT(caller_id, metric) DO UPDATE SET average = excluded.average,
                 samples = excluded.samples, updated_at = excluded.updated_at`,
            )
            .bind(now, callerId),
        );
        steps.metrics = "done";
        statements.push(markStatement(ctx, callSid, steps));
        await ctx.d1.batch(statements);
      } else if (steps.metrics !== "done") {
        steps.metrics = "done";
        await mark(ctx, callSid, steps);
      }
    } else {
      await storeExtractiveSummary(ctx, callSid, callerId, turns);
      outcome.summaryMethod = "extractive";
      steps.summary = "done";
      steps.metrics = "done";
      await mark(ctx, callSid, steps);
    }
  }

  // facts + profile share one LLM answer.
  if (steps.facts !== "done" || steps.profile !== "done") {
    if (!options.llm) {
      steps.facts = "pending";
      steps.profile = "pending";
      await mark(ctx, callSid, steps);
    } else if (!phone || turns.length === 0) {
      steps.facts = "done";
      steps.profile = "done";
      await mark(ctx, callSid, steps);
    } else {
      const existing = await listMemories(ctx, { phone, limit: 100 });
      const profile = caller?.profile ?? {};
      const extraction = await options.llm.structured({
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
      if (steps.facts !== "done") {
        for (const fact of extraction.facts) {
          try {
            const result = await rememberFact(ctx, {
              phone,
              type: fact.type,
              key: fact.key,
              value: fact.value,
              confidence: fact.confidence,
              source: { callSid, turn: fact.turn },
              observedAt: callAt,
            });
            outcome.facts[result.outcome] += 1;
          } catch (err) {
            outcome.facts.rejected += 1;
            log("warn", "post_call.fact_rejected", {
              tenantId: ctx.tenantId,
              callSid,
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
          callAt,
        );
        steps.facts = "done";
        await mark(ctx, callSid, steps);
      }
      if (steps.profile !== "done") {
        let patch: unknown = {};
        try {
          patch = JSON.parse(extraction.profile_patch_json || "{}");
        } catch {
          outcome.profileRejected.push({ path: "(root)", message: "profile patch is not JSON" });
        }
        if (patch && typeof patch === "object" && Object.keys(patch).length > 0) {
          const update = await updateCallerProfile(ctx, phone, patch);
          outcome.profileRejected.push(...update.rejected);
          if (update.rejected.length > 0)
            log("info", "post_call.profile_rejected", {
              tenantId: ctx.tenantId,
              callSid,
              paths: update.rejected.map((r) => r.path).join(","),
            });
        }
        steps.profile = "done";
        await mark(ctx, callSid, steps);
      }
    }
  }

  if (steps.embeddings !== "done") {
    if (callerId) await ensureVectors(ctx, callerId, 500);
    steps.embeddings = "done";
    await mark(ctx, callSid, steps);
  }
}
