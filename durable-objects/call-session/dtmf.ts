/**
 * Keypad entries (Twilio `dtmf`), collected into one entry per pause or `#`, so a caller can key
 * in a number and the model gets it as one piece of the caller's text.
 */

/** A keypad entry is complete after this pause (or on `#`). */
export const DTMF_PAUSE_MS = 1500;

export function keypadText(digits: string): string {
  return `[The caller typed on the keypad: ${digits}]`;
}

export class DtmfCollector {
  #digits = "";
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onEntry: (digits: string) => void,
    private readonly pauseMs = DTMF_PAUSE_MS,
  ) {}

  push(digit: string): void {
    this.#clearTimer();
    if (digit === "#") {
      this.#flush();
      return;
    }
    this.#digits += digit;
    this.#timer = setTimeout(() => this.#flush(), this.pauseMs);
  }

  /** The stream ended: a half-typed entry is dropped. */
  reset(): void {
    this.#clearTimer();
    this.#digits = "";
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #flush(): void {
    this.#timer = null;
    const digits = this.#digits;
    this.#digits = "";
    if (digits) this.onEntry(digits);
  }
}
