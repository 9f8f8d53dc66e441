/**
 * The agent's audio on its way to the caller: which Twilio stream it goes out on, what has been
 * played (marks), and where to cut it when the caller barges in.
 *
 * Audio is only ever sent on the stream it is attached to. Before a stream's `start` has named
 * its `streamSid` (or after that stream was lost, until the next one starts) deltas wait in
 * order and go out on the next attached stream — never on an old one, never dropped.
 */
import type { AgentAudioChunk } from "./audio";
import { PendingAgentAudio, base64Bytes } from "./audio";
import type { TruncatePoint } from "./marks";
import { MULAW_BYTES_PER_MS, PlayoutTracker } from "./marks";
import { twilioClear, twilioMark, twilioMedia } from "./protocol/twilio-media.schema";
import type { TwilioOutboundMessage } from "./protocol/twilio-media.schema";

export type TwilioSend = (message: TwilioOutboundMessage) => void;

/** How much of an interrupted item the caller heard, against all the audio the model made. */
export interface HeardAudio {
  heardMs: number;
  audioMs: number;
}

export class AgentAudioOut {
  #streamSid: string | null = null;
  #send: TwilioSend | null = null;
  #pending = new PendingAgentAudio();
  #playout: PlayoutTracker;
  /** Every byte the model produced per item, played or not (for what was heard of it). */
  #producedBytes = new Map<string, number>();
  #cutAtMs = new Map<string, number>();

  constructor(readonly markEveryMs?: number) {
    this.#playout = new PlayoutTracker(markEveryMs);
  }

  get streamSid(): string | null {
    return this.#streamSid;
  }

  get pendingChunks(): number {
    return this.#pending.size;
  }

  /** A stream started: audio that waited for it goes out now, in order. */
  attach(streamSid: string, send: TwilioSend): void {
    this.#streamSid = streamSid;
    this.#send = send;
    for (const chunk of this.#pending.drain()) this.#out(chunk);
  }

  /** The stream is gone: nothing more goes to it; its unechoed marks will never come back. */
  detach(): void {
    this.#streamSid = null;
    this.#send = null;
    this.#playout = new PlayoutTracker(this.markEveryMs);
  }

  onDelta(chunk: AgentAudioChunk): void {
    const produced = this.#producedBytes.get(chunk.itemId) ?? 0;
    this.#producedBytes.set(chunk.itemId, produced + base64Bytes(chunk.payload));
    // Late deltas of an item the caller cut off must not reach them.
    if (this.#cutAtMs.has(chunk.itemId) || this.#playout.isTruncated(chunk.itemId)) return;
    if (this.#streamSid === null) this.#pending.push(chunk);
    else this.#out(chunk);
  }

  /** The item's audio is complete: a mark at its end makes "fully played" observable. */
  onItemAudioDone(itemId: string): void {
    const mark = this.#playout.onItemAudioDone(itemId);
    if (mark && this.#streamSid && this.#send) this.#send(twilioMark(this.#streamSid, mark));
  }

  onMarkEcho(name: string): void {
    this.#playout.onMarkEcho(name);
  }

  /**
   * The caller started talking over the agent: clear Twilio's queue and say where to cut the
   * playing item (what was actually heard). Null when nothing is playing.
   */
  bargeIn(): TruncatePoint | null {
    const cut = this.#playout.truncatePlaying();
    if (!cut || !this.#streamSid || !this.#send) return null;
    this.#send(twilioClear(this.#streamSid));
    this.#cutAtMs.set(cut.itemId, cut.audioEndMs);
    return cut;
  }

  /** For an item the caller cut off: how much of it they heard. Null if it played in full. */
  heard(itemId: string): HeardAudio | null {
    const heardMs = this.#cutAtMs.get(itemId);
    if (heardMs === undefined) return null;
    const audioMs = Math.floor((this.#producedBytes.get(itemId) ?? 0) / MULAW_BYTES_PER_MS);
    return { heardMs, audioMs: Math.max(audioMs, heardMs) };
  }

  /** Some agent audio sent on this stream has not been heard yet. */
  playing(): boolean {
    return this.#playout.playing() !== null;
  }

  allPlayed(): boolean {
    return this.#playout.allPlayed();
  }

  #out(chunk: AgentAudioChunk): void {
    const streamSid = this.#streamSid;
    const send = this.#send;
    if (!streamSid || !send) return;
    send(twilioMedia(streamSid, chunk.payload));
    const bytes = base64Bytes(chunk.payload);
    const mark = this.#playout.onAudioSent(chunk.itemId, chunk.contentIndex, bytes);
    if (mark) send(twilioMark(streamSid, mark));
  }
}
