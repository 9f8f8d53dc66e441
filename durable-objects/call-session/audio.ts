/**
 * Audio that cannot be relayed yet. μ-law passes through untouched: payloads are kept as the
 * base64 text they arrived in and sent on byte-identical.
 */
import { MULAW_BYTES_PER_MS } from "./marks";

/** Caller audio kept while the model session is being set up (or re-established). */
export const CALLER_BUFFER_MS = 10_000;

function base64Bytes(payload: string): number {
  const padding = payload.endsWith("==") ? 2 : payload.endsWith("=") ? 1 : 0;
  return Math.floor((payload.length * 3) / 4) - padding;
}

/**
 * Caller frames waiting for the model. Bounded: beyond `maxMs` the oldest frames go (and are
 * counted), so a model that never comes cannot grow the object without limit.
 */
export class CallerAudioBuffer {
  #frames: { payload: string; bytes: number }[] = [];
  #bytes = 0;
  dropped = 0;

  constructor(readonly maxMs = CALLER_BUFFER_MS) {}

  push(payload: string): void {
    const bytes = base64Bytes(payload);
    this.#frames.push({ payload, bytes });
    this.#bytes += bytes;
    while (this.#bytes > this.maxMs * MULAW_BYTES_PER_MS && this.#frames.length > 1) {
      const oldest = this.#frames.shift();
      if (!oldest) break;
      this.#bytes -= oldest.bytes;
      this.dropped += 1;
    }
  }

  get size(): number {
    return this.#frames.length;
  }

  drain(): string[] {
    const out = this.#frames.map((f) => f.payload);
    this.#frames = [];
    this.#bytes = 0;
    return out;
  }
}

export interface AgentAudioChunk {
  itemId: string;
  contentIndex: number;
  payload: string;
}

/** Model audio that arrived before Twilio's `start` named the stream it belongs on. */
export class PendingAgentAudio {
  #chunks: AgentAudioChunk[] = [];

  push(chunk: AgentAudioChunk): void {
    this.#chunks.push(chunk);
  }

  get size(): number {
    return this.#chunks.length;
  }

  drain(): AgentAudioChunk[] {
    const out = this.#chunks;
    this.#chunks = [];
    return out;
  }
}

export { base64Bytes };
