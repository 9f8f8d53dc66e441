/**
 * What the caller has actually heard, from Twilio's mark echoes.
 *
 * Twilio plays our `media` messages in order and echoes a `mark` once the audio queued before
 * it has played (or at once, for every pending mark, after a `clear`). So the last echoed mark
 * of an item tells how much of that item was heard, to within the mark spacing.
 *
 * Granularity: one mark per ~100 ms of agent audio (and one at the end of each item), not one
 * per model delta. Deltas vary from ~20 ms to several hundred; 100 ms keeps the truncation error
 * below what a listener notices (a syllable is ~200 ms) while bounding the extra messages to
 * about ten a second whatever the delta size. The played position only ever counts bytes we
 * sent, so a truncate computed from it can never pass the end of the item's audio.
 */

/** G.711 μ-law at 8 kHz: one byte per sample. */
export const MULAW_BYTES_PER_MS = 8;
export const MARK_EVERY_MS = 100;

interface ItemPlayout {
  itemId: string;
  contentIndex: number;
  sentBytes: number;
  markedBytes: number;
  playedBytes: number;
  truncated: boolean;
}

export interface TruncatePoint {
  itemId: string;
  contentIndex: number;
  audioEndMs: number;
}

export class PlayoutTracker {
  #items = new Map<string, ItemPlayout>();
  #current: ItemPlayout | null = null;
  /** Pending marks by name → the item and byte offset they stand for. */
  #pending = new Map<string, { item: ItemPlayout; bytes: number }>();
  #seq = 0;

  constructor(readonly markEveryMs = MARK_EVERY_MS) {}

  /** True when this item was cut: its late deltas must not reach the caller. */
  isTruncated(itemId: string): boolean {
    return this.#items.get(itemId)?.truncated ?? false;
  }

  /** Records audio sent to Twilio; returns a mark name to send after it when one is due. */
  onAudioSent(itemId: string, contentIndex: number, bytes: number): string | null {
    let item = this.#items.get(itemId);
    if (!item) {
      item = {
        itemId,
        contentIndex,
        sentBytes: 0,
        markedBytes: 0,
        playedBytes: 0,
        truncated: false,
      };
      this.#items.set(itemId, item);
    }
    this.#current = item;
    item.sentBytes += bytes;
    if (item.sentBytes - item.markedBytes >= this.markEveryMs * MULAW_BYTES_PER_MS) {
      return this.#mark(item);
    }
    return null;
  }

  /** The item's audio is complete: mark its end so "fully played" becomes observable. */
  onItemAudioDone(itemId: string): string | null {
    const item = this.#items.get(itemId);
    if (!item || item.truncated || item.sentBytes === item.markedBytes) return null;
    return this.#mark(item);
  }

  #mark(item: ItemPlayout): string {
    this.#seq += 1;
    const name = `m${this.#seq}`;
    item.markedBytes = item.sentBytes;
    this.#pending.set(name, { item, bytes: item.sentBytes });
    return name;
  }

  /** Twilio echoed a mark: everything before it was played. Unknown names are ignored. */
  onMarkEcho(name: string): void {
    const pending = this.#pending.get(name);
    if (!pending) return;
    this.#pending.delete(name);
    if (pending.item.truncated) return;
    pending.item.playedBytes = Math.max(pending.item.playedBytes, pending.bytes);
  }

  /** The item whose audio the caller may still be hearing, if any. */
  playing(): ItemPlayout | null {
    const item = this.#current;
    if (!item || item.truncated || item.playedBytes >= item.sentBytes) return null;
    return item;
  }

  /**
   * Barge-in: stop tracking the playing item and say where to cut it. Pending marks of the item
   * are forgotten, since the `clear` that goes with this makes Twilio echo them unplayed.
   */
  truncatePlaying(): TruncatePoint | null {
    const item = this.playing();
    if (!item) return null;
    item.truncated = true;
    for (const [name, pending] of this.#pending) {
      if (pending.item === item) this.#pending.delete(name);
    }
    const playedBytes = Math.min(item.playedBytes, item.sentBytes);
    return {
      itemId: item.itemId,
      contentIndex: item.contentIndex,
      audioEndMs: Math.floor(playedBytes / MULAW_BYTES_PER_MS),
    };
  }

  /** Everything sent has been heard (or cut): safe to hang up after a goodbye. */
  allPlayed(): boolean {
    for (const item of this.#items.values()) {
      if (!item.truncated && item.playedBytes < item.sentBytes) return false;
    }
    return true;
  }
}
