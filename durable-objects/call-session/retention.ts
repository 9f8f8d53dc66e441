/**
 * How long a call object keeps what it stored about a call (the caller's number, every turn of
 * the transcript): only until the call record is safely in the tenant database, plus a grace for
 * the requests Twilio still sends after a call ends (the <Redirect> continuation, the final
 * status callback). Then the alarm clears the object's storage; an alarm that throws is retried
 * by the runtime, and the pending purge stays stored until it has run.
 *
 * Storage (beside storage.ts's keys): `retention` = { purgeAt } once the record is written;
 * after the purge only a closed `claim` is left (no caller data).
 * Forgetting a caller clears a finished call of theirs at once (`forget`).
 */
import type { CallStore } from "./storage";

/** Grace after the call record is written, for Twilio's last requests about the call. */
export const PURGE_AFTER_MS = 5 * 60_000;

const KEY = "retention";

interface RetentionState {
  purgeAt: number;
}

export type ForgetInCallObject =
  /** Nothing of this caller (in this tenant) is held here. */
  | { held: false }
  /** The call is still live: its record is not written yet, so nothing is cleared. */
  | { held: true; cleared: false }
  | { held: true; cleared: true; transcriptTurns: number };

export class CallRetention {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly store: CallStore,
  ) {}

  purgeAt(): number | null {
    return this.storage.kv.get<RetentionState>(KEY)?.purgeAt ?? null;
  }

  /** The call record is in the tenant database: clear this object after the grace. */
  schedule(now = Date.now()): void {
    if (this.purgeAt() === null) this.storage.kv.put(KEY, { purgeAt: now + PURGE_AFTER_MS });
    this.arm();
  }

  /** The alarm for a call that is over: the pending purge, or none. */
  arm(): void {
    const at = this.purgeAt();
    if (at === null) void this.storage.deleteAlarm();
    else void this.storage.setAlarm(Math.max(at, Date.now() + 10));
  }

  /** From the alarm: clears storage when the purge is due (re-arms it otherwise). */
  async purgeIfDue(now = Date.now()): Promise<boolean> {
    const at = this.purgeAt();
    if (at === null) return false;
    if (now < at) {
      this.arm();
      return false;
    }
    await this.#clear();
    return true;
  }

  /** Forgetting `phone` in `tenantId`: a finished call of theirs is cleared now. */
  async forget(tenantId: string, phone: string): Promise<ForgetInCallObject> {
    const store = this.store;
    const meta = store.meta();
    if (!meta || meta.tenantId !== tenantId || meta.callerPhone !== phone) return { held: false };
    if (!meta.finalised) return { held: true, cleared: false };
    const transcriptTurns = store.turns().length;
    await this.#clear();
    return { held: true, cleared: true, transcriptTurns };
  }

  /**
   * Everything goes except a closed claim (the tenant id and stream counters, nothing of the
   * caller): without it a late continuation would find an unknown call and open a fresh stream,
   * and another tenant's signed webhook could claim the CallSid.
   */
  async #clear(): Promise<void> {
    const claim = this.store.claim();
    const tenantId = claim?.tenantId ?? this.store.meta()?.tenantId ?? null;
    const generation = Math.max(claim?.issued ?? 0, 1);
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    if (tenantId !== null) {
      this.store.saveClaim({ tenantId, issued: generation, opened: generation, closed: true });
    }
  }
}
