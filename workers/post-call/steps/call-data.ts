/** What the post-call steps read about one call: its row (as start saw it) and its transcript. */
import { asc, eq } from "drizzle-orm";
import { calls, transcriptTurns } from "../../db/tenant.schema";
import type { TenantContext } from "../../tenancy/tenant-context";

/** The call as the start step found it; passed from step to step (it is a step result). */
export type CallInfo = Pick<
  typeof calls.$inferSelect,
  "callSid" | "fromNumber" | "startedAt" | "endedAt"
>;

export type Turn = Pick<typeof transcriptTurns.$inferSelect, "seq" | "speaker" | "text">;

const MAX_TRANSCRIPT_CHARS = 24_000;

export async function loadCall(ctx: TenantContext, callSid: string): Promise<CallInfo | null> {
  const [row] = await ctx.db
    .select({
      callSid: calls.callSid,
      fromNumber: calls.fromNumber,
      startedAt: calls.startedAt,
      endedAt: calls.endedAt,
    })
    .from(calls)
    .where(eq(calls.callSid, callSid))
    .limit(1);
  return row ?? null;
}

export async function loadTurns(ctx: TenantContext, callSid: string): Promise<Turn[]> {
  return ctx.db
    .select({
      seq: transcriptTurns.seq,
      speaker: transcriptTurns.speaker,
      text: transcriptTurns.text,
    })
    .from(transcriptTurns)
    .where(eq(transcriptTurns.callSid, callSid))
    .orderBy(asc(transcriptTurns.seq));
}

/** When the facts of this call were observed: its end, else its start. */
export function observedAt(call: CallInfo): string {
  return call.endedAt ?? call.startedAt;
}

export function transcriptText(turns: Turn[]): string {
  const lines = turns.map((t) => `[${t.seq}] ${t.speaker}: ${t.text}`);
  let text = lines.join("\n");
  // Keep the end of long calls: decisions and promises come last.
  if (text.length > MAX_TRANSCRIPT_CHARS) text = text.slice(text.length - MAX_TRANSCRIPT_CHARS);
  return text;
}
