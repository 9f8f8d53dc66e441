/**
 * Enriched context: everything the agent should know about a caller as the call starts:
 * profile and bio, the last call summaries, open items, the most salient current memories
 * and personality averages. Reads only (no LLM), all queries in parallel, bounded by a
 * deadline: when it passes, what has arrived is returned with `partial: true` and the parts
 * still missing named, so a slow database never holds up a greeting.
 */
import { and, desc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import { callSummaries, callers, memories, personalityAverages } from "../db/tenant.schema";
import type { TenantContext } from "../tenancy/tenant-context";
import { log } from "../observability/log";
import { MemoryView } from "./memory.schema";
import { toMemoryView } from "./memories";

export const DEFAULT_CONTEXT_DEADLINE_MS = 250;
const SALIENT_LIMIT = 12;
const SUMMARY_LIMIT = 3;

export const ContextPart = z.enum(["profile", "summaries", "memories", "personality"]);
export type ContextPart = z.infer<typeof ContextPart>;

export const EnrichedContext = z
  .object({
    phone: z.string(),
    /** False for a first-time caller: everything else is then empty, not an error. */
    known: z.boolean(),
    caller: z
      .object({
        id: z.string(),
        firstName: z.string().nullable(),
        lastName: z.string().nullable(),
        profile: z.record(z.string(), z.unknown()),
        profileTemplate: z.string().nullable(),
        callCount: z.number().int(),
        lastCallAt: z.string().nullable(),
        since: z.string(),
      })
      .nullable(),
    bio: z.string(),
    recentSummaries: z.array(
      z.object({
        callSid: z.string(),
        summary: z.string(),
        sentiment: z.string().nullable(),
        method: z.string(),
        at: z.string(),
      }),
    ),
    openItems: z.array(z.object({ key: z.string(), text: z.string(), since: z.string() })),
    memories: z.array(MemoryView),
    personality: z.record(z.string(), z.object({ average: z.number(), samples: z.number().int() })),
    partial: z.boolean(),
    missing: z.array(ContextPart),
    tookMs: z.number(),
  })
  .meta({ id: "EnrichedContext" });
export type EnrichedContext = z.infer<typeof EnrichedContext>;

const TYPE_WEIGHT: Record<string, number> = {
  open_item: 3,
  appointment: 2.5,
  preference: 2,
  policy: 1.8,
  vehicle: 1.6,
  property: 1.6,
  loan: 1.6,
  relationship: 1.4,
  fact: 1.2,
  note: 0.8,
};

/** Salience: what kind of fact it is, how sure we are, how recent (half-life ~ 90 days). */
export function salience(memory: MemoryView, now: number): number {
  const ageDays = Math.max(0, (now - Date.parse(memory.validFrom)) / 86_400_000);
  const recency = Math.pow(0.5, ageDays / 90);
  return (TYPE_WEIGHT[memory.type] ?? 1) + memory.confidence + recency;
}

function parseProfile(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export async function getEnrichedContext(
  ctx: TenantContext,
  phone: string,
  options: { deadlineMs?: number } = {},
): Promise<EnrichedContext> {
  const started = Date.now();
  const deadlineMs = options.deadlineMs ?? DEFAULT_CONTEXT_DEADLINE_MS;
  const result: EnrichedContext = {
    phone,
    known: false,
    caller: null,
    bio: "",
    recentSummaries: [],
    openItems: [],
    memories: [],
    personality: {},
    partial: false,
    missing: [],
    tookMs: 0,
  };
  const done = new Set<ContextPart>();

  const callerIdOf = ctx.db
    .select({ id: callers.id })
    .from(callers)
    .where(eq(callers.phone, phone));
  const parts: Record<ContextPart, Promise<void>> = {
    profile: ctx.db
      .select({
        id: callers.id,
        firstName: callers.firstName,
        lastName: callers.lastName,
        profile: callers.profile,
        profileTemplate: callers.profileTemplate,
        bio: callers.bio,
        callCount: callers.callCount,
        lastCallAt: callers.lastCallAt,
        since: callers.createdAt,
      })
      .from(callers)
      .where(eq(callers.phone, phone))
      .get()
      .then((row) => {
        if (row) {
          const { bio, profile, ...caller } = row;
          result.known = true;
          result.bio = bio;
          result.caller = { ...caller, profile: parseProfile(profile) };
        }
        done.add("profile");
      }),
    summaries: ctx.db
      .select({
        callSid: callSummaries.callSid,
        summary: callSummaries.summary,
        sentiment: callSummaries.sentiment,
        method: callSummaries.method,
        at: callSummaries.createdAt,
      })
      .from(callSummaries)
      .where(inArray(callSummaries.callerId, callerIdOf))
      .orderBy(desc(callSummaries.createdAt))
      .limit(SUMMARY_LIMIT)
      .then((rows) => {
        result.recentSummaries = rows;
        done.add("summaries");
      }),
    memories: ctx.db
      .select()
      .from(memories)
      .where(and(inArray(memories.callerId, callerIdOf), isNull(memories.validTo)))
      .orderBy(desc(memories.validFrom))
      .limit(200)
      .then((rows) => {
        const now = Date.now();
        const current = rows.map(toMemoryView);
        result.openItems = current
          .filter((m) => m.type === "open_item")
          .map((m) => ({ key: m.key, text: m.value, since: m.validFrom }));
        result.memories = current
          .filter((m) => m.type !== "open_item")
          .map((m) => ({ m, s: salience(m, now) }))
          .sort((a, b) => b.s - a.s)
          .slice(0, SALIENT_LIMIT)
          .map(({ m }) => m);
        done.add("memories");
      }),
    personality: ctx.db
      .select({
        metric: personalityAverages.metric,
        average: personalityAverages.average,
        samples: personalityAverages.samples,
      })
      .from(personalityAverages)
      .where(inArray(personalityAverages.callerId, callerIdOf))
      .then((rows) => {
        for (const r of rows)
          result.personality[r.metric] = { average: r.average, samples: r.samples };
        done.add("personality");
      }),
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), deadlineMs);
  });
  const settled = Promise.allSettled(Object.values(parts));
  const outcome = await Promise.race([settled, deadline]);
  if (timer !== undefined) clearTimeout(timer);

  const missing = ContextPart.options.filter((p) => !done.has(p));
  if (outcome !== "deadline") {
    for (const [i, r] of outcome.entries()) {
      if (r.status === "rejected")
        log("warn", "memory.context_part_failed", {
          tenantId: ctx.tenantId,
          part: ContextPart.options[i] ?? "unknown",
          message: r.reason instanceof Error ? r.reason.message : String(r.reason),
        });
    }
  }
  result.missing = missing;
  result.partial = missing.length > 0;
  result.tookMs = Date.now() - started;
  // Parts that finish after the deadline must not change what was already returned.
  return structuredClone(result);
}

function profileLine(profile: Record<string, unknown>): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(profile)) {
    if (value === null || value === undefined || value === "") continue;
    if (Array.isArray(value)) {
      const items = value
        .slice(0, 5)
        .map((item) =>
          item && typeof item === "object"
            ? Object.values(item as Record<string, unknown>)
                .filter((v) => typeof v === "string" || typeof v === "number")
                .join(" ")
            : String(item),
        )
        .join("; ");
      if (items) out.push(`${key}: ${items}`);
    } else if (
      typeof value === "string" ||
      typeof value === "number" ||
      typeof value === "boolean"
    ) {
      out.push(`${key}: ${String(value)}`);
    }
  }
  return out.join(" | ");
}

/** A compact block for the voice model's instructions: facts only, capped in size. */
export function formatContextForAgent(e: EnrichedContext): string {
  if (!e.known) {
    return "Caller context: first-time caller (no earlier calls or saved facts). Ask for their name.";
  }
  const lines: string[] = [];
  const name = [e.caller?.firstName, e.caller?.lastName].filter(Boolean).join(" ");
  lines.push(`Caller: ${name || "name unknown"}${e.bio ? ` — ${e.bio}` : ""}`);
  if (e.caller) {
    lines.push(
      `History: ${e.caller.callCount} earlier call(s)${e.caller.lastCallAt ? `, last on ${e.caller.lastCallAt.slice(0, 10)}` : ""}.`,
    );
    const profile = profileLine(e.caller.profile);
    if (profile) lines.push(`Profile: ${profile}`);
  }
  if (e.openItems.length > 0) {
    lines.push("Open items (follow up on these):");
    for (const item of e.openItems.slice(0, 6)) lines.push(`- ${item.text}`);
  }
  if (e.memories.length > 0) {
    lines.push("Known facts (current):");
    for (const m of e.memories) lines.push(`- [${m.type}] ${m.key.replace(/_/g, " ")}: ${m.value}`);
  }
  if (e.recentSummaries.length > 0) {
    lines.push("Recent calls:");
    for (const s of e.recentSummaries)
      lines.push(`- ${s.at.slice(0, 10)}: ${s.summary}${s.sentiment ? ` (${s.sentiment})` : ""}`);
  }
  const traits = Object.entries(e.personality)
    .filter(([, v]) => v.samples > 0)
    .map(([k, v]) => `${k.replace(/_/g, " ")} ${v.average.toFixed(2)}`);
  if (traits.length > 0) lines.push(`Caller tendencies (0-1): ${traits.join(", ")}`);
  if (e.partial) lines.push(`(Context incomplete: ${e.missing.join(", ")} not loaded in time.)`);
  const text = lines.join("\n");
  return text.length > 3000 ? `${text.slice(0, 2990)}…` : text;
}
