/**
 * The call object's durable state (SQLite-backed Durable Object storage, synchronous KV API).
 *
 * Layout:
 * - `claim`           StreamClaim: the tenant the call belongs to (set by the first voice webhook
 *                     that reached the object) and the stream generations issued and opened.
 * - `meta`            CallMeta: who, when, the call's phase, tools used, token totals, deadlines.
 * - `turn:<seq 6d>`   one transcript turn each, written the moment it completes, so a socket
 *                     that dies (or a deploy) loses nothing, and a new stream restores them.
 *                     An agent turn the caller cut off is rewritten to what was heard.
 *
 * Writes are synchronous and coalesced by the runtime; the output gate holds outgoing messages
 * until they are durable.
 */
import type { TranscriptTurn } from "../../workers/calls/call-records";

export type CallPhase =
  /** The agent is (or should be) talking with the caller; a new stream resumes it. */
  | "active"
  /** A transfer was requested; the continuation dials `transferTo`. */
  | "transferring"
  /** The agent cannot go on; the continuation apologises and records a message. */
  | "message"
  /** The agent ended the call; the continuation hangs up. */
  | "ended";

export interface CallMeta {
  callSid: string;
  tenantId: string;
  /** The stream token that opened the call, kept so the object can re-prove its tenant later. */
  token: string;
  callerPhone: string;
  toNumber: string;
  callerId: string | null;
  startedAt: string;
  phase: CallPhase;
  transferTo: string | null;
  messageTaken: boolean;
  toolsUsed: string[];
  inputTokens: number;
  outputTokens: number;
  streamStarts: number;
  /** Continuations answered with a new stream; bounded so a failing stream cannot loop. */
  resumes: number;
  finalised: boolean;
  /** When the stream was lost without a `stop`; null while one is attached. */
  detachedAt: number | null;
  /** Deadlines driving the alarm (ms since epoch). */
  rolloverAt: number | null;
  hangupAt: number | null;
}

/**
 * Whose call this is, and which stream token may open its next stream. Written by the voice
 * webhook (before the caller's stream exists, so before any meta) and by each resume.
 */
export interface StreamClaim {
  tenantId: string;
  /** The generation of the latest stream token issued; only it may open a stream. */
  issued: number;
  /** The generation of the last stream accepted (0: none yet); a generation opens one stream. */
  opened: number;
  /**
   * The call is over and its storage was cleared (retention.ts): the claim is all that is left,
   * so a late webhook naming the CallSid still meets its tenant, and nothing can reopen the call.
   */
  closed?: true;
}

const CLAIM = "claim";
const META = "meta";
const TURN_PREFIX = "turn:";

export class CallStore {
  constructor(private readonly kv: SyncKvStorage) {}

  claim(): StreamClaim | null {
    return this.kv.get<StreamClaim>(CLAIM) ?? null;
  }

  saveClaim(claim: StreamClaim): void {
    this.kv.put(CLAIM, claim);
  }

  meta(): CallMeta | null {
    return this.kv.get<CallMeta>(META) ?? null;
  }

  saveMeta(meta: CallMeta): void {
    this.kv.put(META, meta);
  }

  /** Reads, changes and writes the meta in one step; returns null when there is none. */
  updateMeta(change: (meta: CallMeta) => void): CallMeta | null {
    const meta = this.meta();
    if (!meta) return null;
    change(meta);
    this.saveMeta(meta);
    return meta;
  }

  turns(): TranscriptTurn[] {
    return [...this.kv.list<TranscriptTurn>({ prefix: TURN_PREFIX })].map(([, turn]) => turn);
  }

  appendTurn(
    speaker: TranscriptTurn["speaker"],
    text: string,
    extra: Pick<TranscriptTurn, "interrupted"> = {},
    at = new Date(),
  ): TranscriptTurn {
    const last = [
      ...this.kv.list<TranscriptTurn>({ prefix: TURN_PREFIX, reverse: true, limit: 1 }),
    ];
    const seq = (last[0]?.[1].seq ?? 0) + 1;
    const turn: TranscriptTurn = { seq, speaker, text, at: at.toISOString(), ...extra };
    this.replaceTurn(turn);
    return turn;
  }

  /** Rewrites a stored turn (an agent turn the caller cut off keeps only what was heard). */
  replaceTurn(turn: TranscriptTurn): void {
    this.kv.put(`${TURN_PREFIX}${String(turn.seq).padStart(6, "0")}`, turn);
  }
}
