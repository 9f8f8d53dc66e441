/**
 * The call's side of OpenAI Realtime: one live socket at a time (a new session replaces the old
 * one on reconnect or rollover), always brought to the same state before caller audio flows:
 * `session.update` first (μ-law both ways), the stored conversation when it is not the first
 * session, the caller audio that waited meanwhile, then the greeting or a short resumption.
 */
import type { Env } from "../../workers/env";
import type { WithCallFields } from "../../workers/observability/log-events";
import { log } from "../../workers/observability/log";
import { openAiKeyFor } from "../../workers/secrets/tenant-secrets";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import type { CallerAudioBuffer } from "./audio";
import type { RealtimeClientEvent, RealtimeServerEvent } from "./protocol/realtime.schema";
import {
  conversationItemCreateMessage,
  parseRealtimeServerEvent,
  responseCreate,
} from "./protocol/realtime.schema";
import { DEFAULT_REALTIME_MODEL, openRealtimeSocket, sendEvent } from "./realtime-connection";
import { appendText, parseOrUndefined, readAudioDelta, transcriptDeltaDrift } from "./hot-path";
import { DriftLog } from "./protocol/drift";
import type { CallSetup } from "./session-setup";
import { RESUME_INSTRUCTIONS, greetingInstructions, prepareCallSetup } from "./session-setup";
import type { CallStore } from "./storage";

/** Pauses between attempts to re-open a lost Realtime session. */
export const RECONNECT_DELAYS_MS = [0, 400];
/** At most this many earlier turns are replayed into a new Realtime session. */
export const MAX_RESTORED_TURNS = 60;

/** greet: first session; resume: after a loss (apologise); rollover: silent swap at the cap. */
export type ConnectMode = "greet" | "resume" | "rollover";

export interface ModelLinkHooks {
  fields: WithCallFields;
  onEvent(event: RealtimeServerEvent): void;
  /** The live socket closed or failed on its own (not one we retired). */
  onLost(): void;
  /** The call ended meanwhile: a socket that opens now is closed at once. */
  isCallClosed(): boolean;
}

export class ModelLink {
  #env: Env;
  #store: CallStore;
  #callerAudio: CallerAudioBuffer;
  #hooks: ModelLinkHooks;
  /** Shared by every session of the stream, so a drifting event is reported once. */
  #drift: DriftLog;
  #socket: WebSocket | null = null;
  #retired = new WeakSet<WebSocket>();
  #setup: CallSetup | null = null;
  /** Caller audio waits in the buffer while a rollover swaps sessions. */
  #holding = false;
  responseActive = false;
  greeted = false;
  reconnecting = false;

  constructor(options: {
    env: Env;
    store: CallStore;
    callerAudio: CallerAudioBuffer;
    hooks: ModelLinkHooks;
  }) {
    this.#env = options.env;
    this.#store = options.store;
    this.#callerAudio = options.callerAudio;
    this.#hooks = options.hooks;
    this.#drift = new DriftLog("realtime", (extra) => options.hooks.fields(extra));
  }

  get connected(): boolean {
    return this.#socket !== null;
  }

  /** Caller frames can go straight to the model (else they wait in the buffer). */
  get acceptsAudio(): boolean {
    return this.#socket !== null && !this.#holding;
  }

  send(event: RealtimeClientEvent): boolean {
    return this.#socket ? sendEvent(this.#socket, event) : false;
  }

  /** One caller frame (base64 already checked on the way in), serialised without JSON.stringify. */
  append(payload: string): void {
    if (!this.#socket) return;
    try {
      this.#socket.send(appendText(payload));
    } catch {
      // The socket is closing; its close handler decides what happens next.
    }
  }

  /** Sends the caller audio that waited, oldest first. */
  flushCallerAudio(): void {
    for (const payload of this.#callerAudio.drain()) this.append(payload);
    if (this.#callerAudio.dropped > 0) {
      log(
        "warn",
        "call.caller_audio_dropped",
        this.#hooks.fields({ frames: this.#callerAudio.dropped }),
      );
      this.#callerAudio.dropped = 0;
    }
  }

  /** Opens a Realtime session and brings it to the state the call needs. */
  async connect(tenant: TenantContext, callerPhone: string, mode: ConnectMode): Promise<boolean> {
    let apiKey: string | null;
    try {
      apiKey = await openAiKeyFor(this.#env, tenant.tenantId);
    } catch {
      // A D1 or decryption failure: the caller gets the apology and voicemail, as with no key.
      log(
        "error",
        "call.model_connect_failed",
        this.#hooks.fields({ reason: "key_lookup_failed", mode }),
      );
      return false;
    }
    if (!apiKey) {
      log("error", "call.model_key_missing", this.#hooks.fields());
      return false;
    }
    // Socket and setup in parallel (the setup reads D1); allSettled so that a setup that fails
    // (a D1 error) neither leaves an opened socket behind nor rejects into a caller that
    // `void`s this promise: a failed connect is always the value `false`.
    const [openedResult, setupResult] = await Promise.allSettled([
      openRealtimeSocket({
        url: this.#env.OPENAI_REALTIME_URL,
        model: this.#env.OPENAI_REALTIME_MODEL || DEFAULT_REALTIME_MODEL,
        apiKey,
      }),
      this.#setup ? Promise.resolve(this.#setup) : prepareCallSetup(tenant, callerPhone),
    ]);
    if (setupResult.status === "rejected" || openedResult.status === "rejected") {
      if (openedResult.status === "fulfilled" && openedResult.value.ok) {
        openedResult.value.socket.close(1011, "call setup failed");
      }
      log(
        "error",
        "call.model_connect_failed",
        this.#hooks.fields({
          reason: setupResult.status === "rejected" ? "setup_failed" : "socket_failed",
          mode,
        }),
      );
      return false;
    }
    const opened = openedResult.value;
    const setup = setupResult.value;
    this.#setup = setup;
    if (!opened.ok) {
      log("warn", "call.model_connect_failed", this.#hooks.fields({ reason: opened.reason, mode }));
      return false;
    }
    const socket = opened.socket;
    if (this.#hooks.isCallClosed()) {
      socket.close(1000, "call ended");
      return false;
    }
    socket.addEventListener("message", (e) => this.#onFrame(socket, e.data as unknown));
    socket.addEventListener("close", () => this.#onClosed(socket));
    socket.addEventListener("error", () => this.#onClosed(socket));

    // session.update first: the format must be μ-law before the first append.
    sendEvent(socket, setup.sessionUpdate);
    if (mode !== "greet") {
      const turns = this.#store.turns().filter((t) => t.speaker !== "system");
      for (const turn of turns.slice(-MAX_RESTORED_TURNS)) {
        const role = turn.speaker === "caller" ? "user" : "assistant";
        // An interrupted agent turn holds only what the caller heard; nothing to say if empty.
        if (turn.text) sendEvent(socket, conversationItemCreateMessage(role, turn.text));
      }
    }
    const previous = this.#socket;
    this.#socket = socket;
    this.responseActive = false;
    if (previous) this.retire(previous);
    this.#holding = false;
    this.flushCallerAudio();
    if (mode === "greet") {
      sendEvent(socket, responseCreate(greetingInstructions(setup.greeting)));
      this.greeted = true;
    } else if (mode === "resume") sendEvent(socket, responseCreate(RESUME_INSTRUCTIONS));
    log("info", "call.model_connected", this.#hooks.fields({ mode }));
    return true;
  }

  /** Re-opens the session with the conversation restored; false when every attempt failed. */
  async reconnect(tenant: TenantContext, callerPhone: string): Promise<boolean> {
    if (this.reconnecting) return true;
    this.reconnecting = true;
    try {
      for (const delay of RECONNECT_DELAYS_MS) {
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.#hooks.isCallClosed()) return true;
        if (await this.connect(tenant, callerPhone, this.greeted ? "resume" : "greet")) return true;
      }
      return false;
    } finally {
      this.reconnecting = false;
    }
  }

  /**
   * Session-length cap: a fresh session with the conversation restored. Caller audio arriving
   * during the swap waits and goes to the new session, so no frame is lost.
   */
  async rollover(tenant: TenantContext, callerPhone: string): Promise<boolean> {
    this.reconnecting = true;
    this.#holding = true;
    try {
      return await this.connect(tenant, callerPhone, "rollover");
    } finally {
      this.reconnecting = false;
      this.#holding = false;
      if (this.#socket) this.flushCallerAudio();
    }
  }

  retire(socket: WebSocket | null = this.#socket): void {
    if (!socket) return;
    this.#retired.add(socket);
    if (socket === this.#socket) {
      this.#socket = null;
      this.responseActive = false;
    }
    try {
      socket.close(1000, "session over");
    } catch {
      // Already closed.
    }
  }

  #onClosed(socket: WebSocket): void {
    if (this.#retired.has(socket) || socket !== this.#socket) return;
    this.#socket = null;
    this.responseActive = false;
    this.#hooks.onLost();
  }

  #onFrame(socket: WebSocket, data: unknown): void {
    if (socket !== this.#socket || typeof data !== "string") return;
    // Hot path (hot-path.ts): audio deltas, and transcript deltas the call does not act on.
    const json = parseOrUndefined(data);
    const delta = readAudioDelta(json);
    if (delta) {
      if (delta.drift.length > 0) this.#drift.report(delta.event.type, delta.drift);
      this.#hooks.onEvent(delta.event);
      return;
    }
    const transcriptDrift = transcriptDeltaDrift(json);
    if (transcriptDrift) {
      if (transcriptDrift.length > 0) {
        this.#drift.report("response.output_audio_transcript.delta", transcriptDrift);
      }
      return;
    }
    const parsed = parseRealtimeServerEvent(data);
    if (!parsed.ok) {
      log("warn", "call.model_event_skipped", this.#hooks.fields({ reason: parsed.reason }));
      return;
    }
    if (!parsed.known) return;
    if (parsed.drift.length > 0) this.#drift.report(parsed.event.type, parsed.drift);
    this.#hooks.onEvent(parsed.event);
  }
}
