/**
 * Transcript turns as they complete, stored the moment they do (storage.ts).
 *
 * Agent turns cut off by the caller: the Realtime transcript covers all the audio the model
 * made, most of which the caller may never have heard. The turn keeps only the words that fit
 * in the audio actually played (proportional to time — word timings are not available) and
 * records `interrupted: { heardMs, audioMs }`, so the call log never claims words that were not
 * heard. The barge-in may come before or after the transcript: both orders end the same.
 */
import type { TranscriptTurn } from "../../workers/calls/call-records";
import type { HeardAudio } from "./agent-audio";
import type { CallStore } from "./storage";

/** The words of `transcript` that fit in what was heard (rounded down: never claim more). */
export function heardWords(transcript: string, heard: HeardAudio): string {
  const words = transcript.trim().split(/\s+/).filter(Boolean);
  if (heard.audioMs <= 0) return "";
  const share = Math.min(1, heard.heardMs / heard.audioMs);
  return words.slice(0, Math.floor(words.length * share)).join(" ");
}

export class TranscriptWriter {
  /** Agent turns already stored, by Realtime item, with their full text. */
  #agentTurns = new Map<string, { turn: TranscriptTurn; fullText: string }>();

  constructor(
    private readonly store: CallStore,
    private readonly heardOf: (itemId: string) => HeardAudio | null,
  ) {}

  caller(text: string): void {
    if (text.trim()) this.store.appendTurn("caller", text.trim());
  }

  agent(itemId: string, transcript: string): void {
    const fullText = transcript.trim();
    if (!fullText) return;
    const heard = this.heardOf(itemId);
    const turn = heard
      ? this.store.appendTurn("agent", heardWords(fullText, heard), { interrupted: heard })
      : this.store.appendTurn("agent", fullText);
    this.#agentTurns.set(itemId, { turn, fullText });
  }

  /** The caller cut `itemId` off after its transcript was stored: keep only what was heard. */
  interrupted(itemId: string): void {
    const stored = this.#agentTurns.get(itemId);
    const heard = this.heardOf(itemId);
    if (!stored || !heard) return;
    const turn: TranscriptTurn = {
      ...stored.turn,
      text: heardWords(stored.fullText, heard),
      interrupted: heard,
    };
    this.store.replaceTurn(turn);
    stored.turn = turn;
  }
}
