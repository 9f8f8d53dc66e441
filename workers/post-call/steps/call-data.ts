/** What the post-call steps read about one call: its row (as start saw it) and its transcript. */
import type { TenantContext } from "../../tenancy/tenant-context";

/** The call as the start step found it; passed from step to step (it is a step result). */
export interface CallInfo {
  callSid: string;
  fromNumber: string;
  startedAt: string;
  endedAt: string | null;
}

export interface Turn {
  seq: number;
  speaker: "caller" | "agent" | "system";
  text: string;
}

const MAX_TRANSCRIPT_CHARS = 24_000;

export async function loadCall(ctx: TenantContext, callSid: string): Promise<CallInfo | null> {
  const row = await ctx.d1
    .prepare("SELECT call_sid, from_number, started_at, ended_at FROM calls WHERE call_sid = ?")
    .bind(callSid)
    .first<{
      call_sid: string;
      from_number: string;
      started_at: string;
      ended_at: string | null;
    }>();
  if (!row) return null;
  return {
    callSid: row.call_sid,
    fromNumber: row.from_number,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

export async function loadTurns(ctx: TenantContext, callSid: string): Promise<Turn[]> {
  return (
    await ctx.d1
      .prepare("SELECT seq, speaker, text FROM transcript_turns WHERE call_sid = ? ORDER BY seq")
      .bind(callSid)
      .all<Turn>()
  ).results;
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
