/**
 * One Media Streams connection bridged to one (or, across reconnects and rollovers, several)
 * Realtime sessions. The call object makes one per stream; state that must outlive it goes to
 * CallStore as it happens.
 *
 * Order of events on a stream:
 * 1. `start`: token checked (HMAC, expiry, this call) and, where the handshake was not signed
 *    by the platform account, the handshake re-checked with the tenant's own token — before any
 *    model socket opens. A failure closes the stream with 1008.
 * 2. Realtime socket opened; `session.update` is the first event on it; buffered caller audio
 *    follows; then the greeting (first stream) or the restored history (later streams).
 * 3. Relay: caller frames → `input_audio_buffer.append`; each model delta → one Twilio `media`
 *    on this stream's `streamSid`, payload untouched, with a mark every ~100 ms (marks.ts).
 */
import { getCall } from "../../workers/calls/call-records";
import { verifyStreamToken } from "../../workers/calls/stream-token";
import { isSignedHandshake, tenantAuthToken } from "../../workers/calls/twilio-auth";
import type { Env } from "../../workers/env";
import type { LogFields } from "../../workers/observability/log";
import { log } from "../../workers/observability/log";
import { openAiKeyFor } from "../../workers/secrets/tenant-secrets";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { CallerAudioBuffer, PendingAgentAudio, base64Bytes } from "./audio";
import type { AgentAudioChunk } from "./audio";
import type { EndReason } from "./finalise";
import { finaliseFromStore } from "./finalise";
import { PlayoutTracker } from "./marks";
import { assertNever } from "./protocol/assert-never";
import type {
  FunctionCallArgumentsDoneEvent,
  RealtimeServerEvent,
} from "./protocol/realtime.schema";
import {
  conversationItemCreateMessage,
  conversationItemTruncate,
  functionCallOutput,
  parseRealtimeServerEvent,
  responseCreate,
} from "./protocol/realtime.schema";
import type { TwilioInboundMessage, TwilioStartMessage } from "./protocol/twilio-media.schema";
import {
  parseTwilioMessage,
  twilioClear,
  twilioMark,
  twilioMedia,
} from "./protocol/twilio-media.schema";
import { DEFAULT_REALTIME_MODEL, openRealtimeSocket, sendEvent } from "./realtime-connection";
import type { CallSetup } from "./session-setup";
import { RESUME_INSTRUCTIONS, greetingInstructions, prepareCallSetup } from "./session-setup";
import type { CallMeta, CallStore } from "./storage";
import { runTool } from "./tools/index";

/** WebSocket close code for a stream we refuse (RFC 6455 policy violation). */
export const POLICY_VIOLATION = 1008;
/** Pauses between attempts to re-open a lost Realtime session. */
export const RECONNECT_DELAYS_MS = [0, 400];
/** A keypad entry is complete after this pause (or on `#`). */
export const DTMF_PAUSE_MS = 1500;
/** At most this many earlier turns are replayed into a new Realtime session. */
export const MAX_RESTORED_TURNS = 60;

export interface HandshakeProof {
  /** The `X-Twilio-Signature` matched the platform's auth token. */
  platformVerified: boolean;
  signature: string | null;
  /** The public wss:// URL the signature covers. */
  url: string;
}

export interface RelayHooks {
  /** Re-computes the object's alarm from the stored deadlines. */
  armAlarm(): void;
  rolloverMs: number;
  hangupGraceMs: number;
}

type StreamState = "awaiting_start" | "starting" | "live" | "closed";

export class CallRelay {
  #env: Env;
  #store: CallStore;
  #twilio: WebSocket;
  #pathCallSid: string;
  #handshake: HandshakeProof;
  #hooks: RelayHooks;

  #state: StreamState = "awaiting_start";
  #streamSid: string | null = null;
  #tenant: TenantContext | null = null;
  #meta: CallMeta | null = null;
  #setup: CallSetup | null = null;
  #model: WebSocket | null = null;
  #retiredModels = new WeakSet<WebSocket>();
  #reconnecting = false;
  /** Caller audio waits in the buffer while a rollover swaps sessions. */
  #holdCallerAudio = false;
  #greeted = false;

  #callerAudio = new CallerAudioBuffer();
  #pendingAgent = new PendingAgentAudio();
  #playout = new PlayoutTracker();
  #responseActive = false;
  #pendingHangup = false;
  #toolsInFlight = new Set<Promise<void>>();
  #dtmf = "";
  #dtmfTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: {
    env: Env;
    store: CallStore;
    twilio: WebSocket;
    callSid: string;
    handshake: HandshakeProof;
    hooks: RelayHooks;
  }) {
    this.#env = options.env;
    this.#store = options.store;
    this.#twilio = options.twilio;
    this.#pathCallSid = options.callSid;
    this.#handshake = options.handshake;
    this.#hooks = options.hooks;
    this.#twilio.addEventListener("message", (e) => this.#onTwilioFrame(e.data as unknown));
    this.#twilio.addEventListener("close", () => this.#onTwilioClosed());
    this.#twilio.addEventListener("error", () => this.#onTwilioClosed());
  }

  get live(): boolean {
    return this.#state === "live" || this.#state === "starting";
  }

  #fields(extra: LogFields = {}): LogFields {
    return {
      tenantId: this.#tenant?.tenantId,
      callSid: this.#pathCallSid,
      streamSid: this.#streamSid,
      ...extra,
    };
  }

  // ---- Twilio side ----

  #onTwilioFrame(data: unknown): void {
    if (typeof data !== "string") {
      log("warn", "call.stream_message_skipped", this.#fields({ reason: "binary frame" }));
      return;
    }
    const parsed = parseTwilioMessage(data);
    if (!parsed.ok) {
      log("warn", "call.stream_message_skipped", this.#fields({ reason: parsed.reason }));
      return;
    }
    this.#onTwilioMessage(parsed.message);
  }

  #onTwilioMessage(message: TwilioInboundMessage): void {
    switch (message.event) {
      case "connected":
        return;
      case "start":
        void this.#onStart(message).catch((err: unknown) => {
          log("error", "call.start_failed", this.#fields({ message: errorText(err) }));
          this.#closeTwilio(1011, "internal error");
        });
        return;
      case "media":
        if (message.media.track !== "inbound" || this.#state === "closed") return;
        if (this.#model && this.#state === "live" && !this.#holdCallerAudio) {
          this.#append(message.media.payload);
        } else {
          this.#callerAudio.push(message.media.payload);
        }
        return;
      case "mark":
        this.#playout.onMarkEcho(message.mark.name);
        this.#maybeHangUp();
        return;
      case "dtmf":
        this.#onDigit(message.dtmf.digit);
        return;
      case "stop":
        void this.#onStop().catch((err: unknown) => {
          log("error", "call.stop_failed", this.#fields({ message: errorText(err) }));
        });
        return;
      default:
        assertNever(message);
    }
  }

  #send(message: object): void {
    try {
      this.#twilio.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close handler decides what happens to the call.
    }
  }

  #closeTwilio(code: number, reason: string): void {
    this.#state = "closed";
    try {
      this.#twilio.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  #refuse(reason: string): void {
    log("warn", "call.stream_refused", this.#fields({ reason }));
    this.#closeTwilio(POLICY_VIOLATION, "policy violation");
  }

  async #onStart(message: TwilioStartMessage): Promise<void> {
    if (this.#state !== "awaiting_start") {
      log("warn", "call.stream_message_skipped", this.#fields({ reason: "second start" }));
      return;
    }
    this.#state = "starting";
    const callSid = message.start.callSid;
    if (callSid !== this.#pathCallSid) return this.#refuse("stream for another call");
    const check = await verifyStreamToken(
      this.#env,
      message.start.customParameters["token"],
      callSid,
    );
    if (!check.ok) return this.#refuse(`token ${check.reason}`);
    const resolved = await resolveTenant(this.#env, { kind: "call_token", token: check.token });
    if (!resolved.ok) return this.#refuse(`tenant ${resolved.reason}`);
    const tenant = resolved.ctx;
    if (!this.#handshake.platformVerified) {
      const token = await tenantAuthToken(this.#env, tenant.tenantId);
      const signed =
        token !== null &&
        (await isSignedHandshake(token, this.#handshake.signature, this.#handshake.url));
      if (!signed) return this.#refuse("handshake signature");
    }
    this.#tenant = tenant;
    this.#streamSid = message.streamSid;

    let meta = this.#store.meta();
    const resumed = meta !== null && meta.streamStarts > 0;
    if (!meta) {
      const call = await getCall(tenant, callSid);
      if (!call) return this.#refuse("unknown call");
      meta = {
        callSid,
        tenantId: tenant.tenantId,
        token: message.start.customParameters["token"] ?? "",
        callerPhone: call.fromNumber,
        toNumber: call.toNumber,
        callerId: call.callerId,
        startedAt: call.startedAt,
        phase: "active",
        transferTo: null,
        messageTaken: false,
        toolsUsed: [],
        inputTokens: 0,
        outputTokens: 0,
        streamStarts: 0,
        resumes: 0,
        finalised: false,
        detachedAt: null,
        rolloverAt: null,
        hangupAt: null,
      };
    }
    if (meta.tenantId !== tenant.tenantId) return this.#refuse("token of another tenant");
    if (meta.finalised || meta.phase !== "active") {
      // The conversation is over; the continuation endpoint decides what the line does next.
      this.#closeTwilio(1000, "call not active");
      return;
    }
    meta.streamStarts += 1;
    meta.detachedAt = null;
    meta.rolloverAt = Date.now() + this.#hooks.rolloverMs;
    this.#store.saveMeta(meta);
    this.#meta = meta;
    this.#hooks.armAlarm();
    log("info", "call.stream_started", this.#fields({ resumed, streamStarts: meta.streamStarts }));

    for (const chunk of this.#pendingAgent.drain()) this.#sendAgentAudio(chunk);

    const ok = await this.#connectModel(resumed ? "resume" : "greet");
    if (!ok) await this.#reconnectOrFallBack();
  }

  async #onStop(): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#clearDtmf();
    // A tool may be redirecting the call right now (transfer): let it record that first.
    await this.settleTools();
    this.#retireModel();
    const meta = this.#store.meta();
    if (!meta || !this.#tenant) return;
    log("info", "call.stream_stopped", this.#fields({ phase: meta.phase }));
    // A stop during a transfer or a message is the stream ending, not the caller leaving.
    if (meta.phase === "active") await this.#finalise("caller_hangup");
  }

  #onTwilioClosed(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#clearDtmf();
    this.#retireModel();
    const meta = this.#store.updateMeta((m) => {
      if (m.phase === "active" && !m.finalised) m.detachedAt = Date.now();
    });
    log("warn", "call.stream_lost", this.#fields({ phase: meta?.phase ?? null }));
    // The <Redirect> after <Connect> brings the call back if it is still up; the alarm
    // finalises it if nothing does.
    this.#hooks.armAlarm();
  }

  #onDigit(digit: string): void {
    this.#dtmf += digit;
    this.#clearDtmf(false);
    if (digit === "#") {
      this.#flushDtmf();
      return;
    }
    this.#dtmfTimer = setTimeout(() => this.#flushDtmf(), DTMF_PAUSE_MS);
  }

  #clearDtmf(drop = true): void {
    if (this.#dtmfTimer) clearTimeout(this.#dtmfTimer);
    this.#dtmfTimer = null;
    if (drop && this.#state === "closed") this.#dtmf = "";
  }

  /** Keypad entries reach the model as the caller's text, so a number can be keyed in. */
  #flushDtmf(): void {
    this.#dtmfTimer = null;
    const digits = this.#dtmf.replace(/#$/, "");
    this.#dtmf = "";
    if (!digits || !this.#model) return;
    sendEvent(
      this.#model,
      conversationItemCreateMessage("user", `[The caller typed on the keypad: ${digits}]`),
    );
    if (!this.#responseActive) sendEvent(this.#model, responseCreate());
  }

  // ---- model side ----

  #append(payload: string): void {
    if (this.#model) sendEvent(this.#model, { type: "input_audio_buffer.append", audio: payload });
  }

  /** Opens a Realtime session and brings it to the state the call needs. */
  async #connectModel(mode: "greet" | "resume" | "rollover"): Promise<boolean> {
    const tenant = this.#tenant;
    const meta = this.#meta;
    if (!tenant || !meta) return false;
    const apiKey = await openAiKeyFor(this.#env, tenant.tenantId);
    if (!apiKey) {
      log("error", "call.model_key_missing", this.#fields());
      return false;
    }
    const setupPromise = this.#setup
      ? Promise.resolve(this.#setup)
      : prepareCallSetup(tenant, meta.callerPhone);
    const [opened, setup] = await Promise.all([
      openRealtimeSocket({
        url: this.#env.OPENAI_REALTIME_URL,
        model: this.#env.OPENAI_REALTIME_MODEL || DEFAULT_REALTIME_MODEL,
        apiKey,
      }),
      setupPromise,
    ]);
    this.#setup = setup;
    if (!opened.ok) {
      log("warn", "call.model_connect_failed", this.#fields({ reason: opened.reason, mode }));
      return false;
    }
    if (this.#state === "closed") {
      opened.socket.close(1000, "call ended");
      return false;
    }
    const socket = opened.socket;
    socket.addEventListener("message", (e) => this.#onModelFrame(socket, e.data as unknown));
    socket.addEventListener("close", () => this.#onModelClosed(socket));
    socket.addEventListener("error", () => this.#onModelClosed(socket));

    // session.update first: the format must be μ-law before the first append.
    sendEvent(socket, setup.sessionUpdate);
    if (mode !== "greet") {
      const turns = this.#store.turns().filter((t) => t.speaker !== "system");
      for (const turn of turns.slice(-MAX_RESTORED_TURNS)) {
        sendEvent(
          socket,
          conversationItemCreateMessage(
            turn.speaker === "caller" ? "user" : "assistant",
            turn.text,
          ),
        );
      }
    }
    const previous = this.#model;
    this.#model = socket;
    this.#responseActive = false;
    if (previous) this.#retireModel(previous);
    this.#holdCallerAudio = false;
    for (const payload of this.#callerAudio.drain()) this.#append(payload);
    if (this.#callerAudio.dropped > 0) {
      log("warn", "call.caller_audio_dropped", this.#fields({ frames: this.#callerAudio.dropped }));
      this.#callerAudio.dropped = 0;
    }
    if (mode === "greet") {
      sendEvent(socket, responseCreate(greetingInstructions(setup.greeting)));
      this.#greeted = true;
    } else if (mode === "resume") sendEvent(socket, responseCreate(RESUME_INSTRUCTIONS));
    if (this.#state === "starting") this.#state = "live";
    log("info", "call.model_connected", this.#fields({ mode }));
    return true;
  }

  #retireModel(socket: WebSocket | null = this.#model): void {
    if (!socket) return;
    this.#retiredModels.add(socket);
    if (socket === this.#model) this.#model = null;
    try {
      socket.close(1000, "session over");
    } catch {
      // Already closed.
    }
  }

  #onModelClosed(socket: WebSocket): void {
    if (this.#retiredModels.has(socket) || socket !== this.#model) return;
    this.#model = null;
    this.#responseActive = false;
    if (this.#state !== "live") return;
    log("warn", "call.model_socket_lost", this.#fields());
    void this.#reconnectOrFallBack();
  }

  /** Re-opens the session with the conversation restored; if that fails, a message. */
  async #reconnectOrFallBack(): Promise<void> {
    if (this.#reconnecting) return;
    this.#reconnecting = true;
    try {
      for (const delay of RECONNECT_DELAYS_MS) {
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        if (this.#state === "closed") return;
        if (await this.#connectModel(this.#greeted ? "resume" : "greet")) return;
      }
      await this.#fallBackToMessage();
    } finally {
      this.#reconnecting = false;
    }
  }

  /**
   * The agent cannot continue: mark the call for a message and close the stream. Twilio then
   * runs the <Redirect>, and the continuation answers a spoken apology and `<Record>`.
   */
  async #fallBackToMessage(): Promise<void> {
    log("error", "call.model_unavailable", this.#fields());
    this.#store.updateMeta((m) => {
      if (m.phase === "active") m.phase = "message";
    });
    this.#retireModel();
    this.#closeTwilio(1000, "handing over to voicemail");
    await Promise.resolve();
  }

  #onModelFrame(socket: WebSocket, data: unknown): void {
    if (socket !== this.#model) return;
    if (typeof data !== "string") return;
    const parsed = parseRealtimeServerEvent(data);
    if (!parsed.ok) {
      log("warn", "call.model_event_skipped", this.#fields({ reason: parsed.reason }));
      return;
    }
    if (!parsed.known) return;
    this.#onModelEvent(parsed.event);
  }

  #onModelEvent(event: RealtimeServerEvent): void {
    switch (event.type) {
      case "error":
        log(
          "warn",
          "call.model_error",
          this.#fields({
            code: event.error.code ?? event.error.type,
            message: event.error.message,
          }),
        );
        return;
      case "input_audio_buffer.speech_started":
        this.#bargeIn();
        return;
      case "response.output_audio.delta": {
        const chunk = {
          itemId: event.item_id,
          contentIndex: event.content_index,
          payload: event.delta,
        };
        if (this.#playout.isTruncated(chunk.itemId)) return;
        if (this.#streamSid === null) this.#pendingAgent.push(chunk);
        else this.#sendAgentAudio(chunk);
        return;
      }
      case "response.output_audio.done": {
        const mark = this.#playout.onItemAudioDone(event.item_id);
        if (mark && this.#streamSid) this.#send(twilioMark(this.#streamSid, mark));
        return;
      }
      case "response.output_audio_transcript.done":
        if (event.transcript.trim()) this.#store.appendTurn("agent", event.transcript.trim());
        return;
      case "conversation.item.input_audio_transcription.completed":
        if (event.transcript.trim()) this.#store.appendTurn("caller", event.transcript.trim());
        return;
      case "response.created":
        this.#responseActive = true;
        return;
      case "response.done": {
        this.#responseActive = false;
        const usage = event.response.usage;
        if (usage) {
          this.#meta = this.#store.updateMeta((m) => {
            m.inputTokens += usage.input_tokens;
            m.outputTokens += usage.output_tokens;
          });
        }
        this.#maybeHangUp();
        return;
      }
      case "response.function_call_arguments.done": {
        const run = this.#runTool(event).catch((err: unknown) => {
          log("error", "call.tool_dispatch_failed", this.#fields({ message: errorText(err) }));
        });
        this.#toolsInFlight.add(run);
        void run.finally(() => this.#toolsInFlight.delete(run));
        return;
      }
      case "session.created":
      case "session.updated":
      case "input_audio_buffer.speech_stopped":
      case "input_audio_buffer.committed":
      case "response.output_audio_transcript.delta":
      case "response.output_item.added":
      case "response.output_item.done":
      case "conversation.item.created":
      case "conversation.item.added":
      case "conversation.item.done":
      case "conversation.item.truncated":
      case "rate_limits.updated":
        return;
      default:
        assertNever(event);
    }
  }

  #sendAgentAudio(chunk: AgentAudioChunk): void {
    const streamSid = this.#streamSid;
    if (!streamSid) return;
    this.#send(twilioMedia(streamSid, chunk.payload));
    const mark = this.#playout.onAudioSent(
      chunk.itemId,
      chunk.contentIndex,
      base64Bytes(chunk.payload),
    );
    if (mark) this.#send(twilioMark(streamSid, mark));
  }

  /** The caller started talking over the agent: stop playout, cut the item at what was heard. */
  #bargeIn(): void {
    const cut = this.#playout.truncatePlaying();
    if (!cut || !this.#streamSid) return;
    this.#send(twilioClear(this.#streamSid));
    if (this.#model) {
      sendEvent(
        this.#model,
        conversationItemTruncate(cut.itemId, cut.contentIndex, cut.audioEndMs),
      );
    }
    log("info", "call.barge_in", this.#fields({ audioEndMs: cut.audioEndMs }));
  }

  // ---- tools ----

  async #runTool(event: FunctionCallArgumentsDoneEvent): Promise<void> {
    const tenant = this.#tenant;
    const meta = this.#store.updateMeta((m) => {
      if (!m.toolsUsed.includes(event.name)) m.toolsUsed.push(event.name);
    });
    if (!tenant || !meta) return;
    this.#meta = meta;
    const outcome = await runTool(event.name, event.arguments, {
      env: this.#env,
      tenant,
      callSid: meta.callSid,
      callerPhone: meta.callerPhone,
      callerId: meta.callerId ?? "",
      streamSid: this.#streamSid,
    });
    const effect = outcome.effect;
    if (effect?.kind === "transfer") {
      this.#store.updateMeta((m) => {
        m.phase = "transferring";
        m.transferTo = effect.to;
      });
    } else if (effect?.kind === "message_taken") {
      this.#store.updateMeta((m) => {
        m.messageTaken = true;
      });
    }
    const model = this.#model;
    if (!model) return;
    sendEvent(model, functionCallOutput(event.call_id, outcome.output));
    if (effect?.kind === "hangup") {
      // The goodbye was said before the tool call; hang up once it has played.
      this.#pendingHangup = true;
      this.#store.updateMeta((m) => {
        m.hangupAt = Date.now() + this.#hooks.hangupGraceMs;
      });
      this.#hooks.armAlarm();
      this.#maybeHangUp();
      return;
    }
    // A transfer has already redirected the call: the agent says nothing more.
    if (effect?.kind === "transfer") return;
    sendEvent(model, responseCreate());
  }

  /** Waits for running tools, so a decision about the call sees their effects. */
  async settleTools(): Promise<void> {
    while (this.#toolsInFlight.size > 0) await Promise.allSettled([...this.#toolsInFlight]);
  }

  #maybeHangUp(): void {
    if (!this.#pendingHangup || this.#responseActive || !this.#playout.allPlayed()) return;
    void this.hangUp();
  }

  /** Ends the call from our side: record it, then close the stream so the <Redirect> hangs up. */
  async hangUp(): Promise<void> {
    if (this.#state === "closed") return;
    this.#pendingHangup = false;
    this.#state = "closed";
    this.#store.updateMeta((m) => {
      if (m.phase === "active") m.phase = "ended";
      m.hangupAt = null;
    });
    this.#retireModel();
    await this.#finalise("agent_ended");
    this.#closeTwilio(1000, "call ended by agent");
  }

  /** Session-length cap: a fresh Realtime session with the conversation restored. */
  async rollover(): Promise<boolean> {
    if (this.#state !== "live" || this.#reconnecting || !this.#model) return false;
    // Never cut the agent mid-sentence: try again shortly.
    if (this.#responseActive || this.#playout.playing()) return false;
    this.#reconnecting = true;
    this.#holdCallerAudio = true;
    try {
      const ok = await this.#connectModel("rollover");
      if (ok) {
        log("info", "call.session_rolled_over", this.#fields());
        this.#store.updateMeta((m) => {
          m.rolloverAt = Date.now() + this.#hooks.rolloverMs;
        });
      }
      return ok;
    } finally {
      this.#reconnecting = false;
      this.#holdCallerAudio = false;
      for (const payload of this.#callerAudio.drain()) this.#append(payload);
    }
  }

  /** The call ended elsewhere (status callback): drop both sockets quietly. */
  shutdown(): void {
    this.#clearDtmf();
    this.#retireModel();
    if (this.#state !== "closed") this.#closeTwilio(1000, "call over");
  }

  async #finalise(reason: EndReason): Promise<void> {
    if (!this.#tenant) return;
    await finaliseFromStore(this.#env, this.#store, this.#tenant, reason);
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
