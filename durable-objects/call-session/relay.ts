/**
 * One Media Streams connection bridged to one (or, across reconnects and rollovers, several)
 * Realtime sessions. The call object makes one per stream; state that must outlive it goes to
 * CallStore as it happens. This file is the call's state machine and the wiring between parts:
 * - twilio-stream.ts  the Media Stream socket: frames parsed and routed, our messages sent;
 * - stream-start.ts   checks at `start` (token, tenant, handshake) before any model socket opens;
 * - model-link.ts     the Realtime socket: configure, restore, reconnect, rollover;
 * - model-events.ts   what each Realtime event means for the call;
 * - agent-audio.ts    agent audio to Twilio on the right streamSid, marks, barge-in cuts;
 * - transcript.ts     turns stored as they complete (interrupted ones as heard);
 * - tool-runner.ts    function calls and their effects; dtmf.ts keypad entries.
 *
 * Order of events on a stream:
 * 1. `start`: checked (stream-start.ts); a failure closes the stream with 1008. Only a stream
 *    that passed every check is accepted by the call object (`hooks.accept`), and only then
 *    does it replace the stream the call had: until then this relay touches nothing of the call.
 * 2. Realtime socket opened; `session.update` is the first event on it; buffered caller audio
 *    follows; then the greeting (first stream) or the restored history (later streams).
 * 3. Relay: caller frames → `input_audio_buffer.append`; each model delta → one Twilio `media`
 *    on this stream's `streamSid`, payload untouched, with a mark every ~100 ms (marks.ts).
 */
import type { Env } from "../../workers/env";
import type { CallStreamFields, WithCallFields } from "../../workers/observability/log-events";
import { log } from "../../workers/observability/log";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { AgentAudioOut } from "./agent-audio";
import { CallerAudioBuffer } from "./audio";
import { DtmfCollector, keypadText } from "./dtmf";
import type { EndReason } from "./finalise";
import { finaliseFromStore } from "./finalise";
import { ModelLink } from "./model-link";
import type { ModelEventHandlers } from "./model-events";
import { routeModelEvent } from "./model-events";
import type { RealtimeUsage } from "./protocol/realtime.schema";
import {
  conversationItemCreateMessage,
  conversationItemTruncate,
  responseCreate,
} from "./protocol/realtime.schema";
import type { TwilioStartMessage } from "./protocol/twilio-media.schema";
import type { CallMeta, CallStore } from "./storage";
import type { HandshakeProof } from "./stream-start";
import { POLICY_VIOLATION, checkStart } from "./stream-start";
import { ToolRunner } from "./tool-runner";
import { TranscriptWriter } from "./transcript";
import { TwilioStream } from "./twilio-stream";

export type { HandshakeProof } from "./stream-start";
export { POLICY_VIOLATION } from "./stream-start";

export interface RelayHooks {
  /**
   * This stream passed its checks: the object opens its token's generation (false when another
   * stream opened it first, or a later one was issued) and makes it the call's stream.
   */
  accept(relay: CallRelay, tenantId: string, generation: number): boolean;
  /** Re-computes the object's alarm from the stored deadlines. */
  armAlarm(): void;
  rolloverMs: number;
  hangupGraceMs: number;
}

type StreamState = "awaiting_start" | "starting" | "live" | "closed";

export class CallRelay {
  #env: Env;
  #store: CallStore;
  #twilio: TwilioStream;
  #pathCallSid: string;
  #handshake: HandshakeProof;
  #hooks: RelayHooks;

  #state: StreamState = "awaiting_start";
  /** The object accepted this stream as the call's; before that, its end changes nothing. */
  #accepted = false;
  #tenant: TenantContext | null = null;
  #meta: CallMeta | null = null;
  #pendingHangup = false;

  #callerAudio = new CallerAudioBuffer();
  #audio = new AgentAudioOut();
  #model: ModelLink;
  #transcript: TranscriptWriter;
  #tools: ToolRunner;
  #dtmf = new DtmfCollector((digits) => this.#onKeypadEntry(digits));

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
    this.#pathCallSid = options.callSid;
    this.#handshake = options.handshake;
    this.#hooks = options.hooks;
    const fields: WithCallFields = (extra) => this.#fields(extra);
    this.#transcript = new TranscriptWriter(this.#store, (itemId) => this.#audio.heard(itemId));
    this.#model = new ModelLink({
      env: this.#env,
      store: this.#store,
      callerAudio: this.#callerAudio,
      hooks: {
        fields,
        isCallClosed: () => this.#state === "closed",
        onLost: () => this.#onModelLost(),
        onEvent: (event) => routeModelEvent(event, this.#modelHandlers),
      },
    });
    this.#tools = new ToolRunner(this.#env, this.#store, this.#model, {
      fields,
      tenant: () => this.#tenant,
      streamSid: () => this.#audio.streamSid,
      hangUpAfterGoodbye: () => this.#hangUpAfterGoodbye(),
    });
    this.#twilio = new TwilioStream(options.twilio, {
      fields,
      start: (message) => this.#onStart(message),
      callerAudio: (payload) => this.#onCallerAudio(payload),
      markPlayed: (name) => {
        this.#audio.onMarkEcho(name);
        this.#maybeHangUp();
      },
      digit: (digit) => this.#dtmf.push(digit),
      stop: () => this.#onStop(),
      lost: () => this.#onTwilioClosed(),
    });
  }

  get live(): boolean {
    return this.#state === "live" || this.#state === "starting";
  }

  #fields<T extends object = object>(extra?: T): CallStreamFields & T {
    return {
      tenantId: this.#tenant?.tenantId,
      callSid: this.#pathCallSid,
      streamSid: this.#audio.streamSid,
      ...(extra as T),
    };
  }

  // ---- Twilio side ----

  #onCallerAudio(payload: string): void {
    if (this.#state === "closed") return;
    if (this.#state === "live" && this.#model.acceptsAudio) this.#model.append(payload);
    else this.#callerAudio.push(payload);
  }

  /** Ends this stream: nothing more is sent on it, whatever arrives from the model. */
  #closeTwilio(code: number, reason: string): void {
    this.#state = "closed";
    this.#audio.detach();
    this.#dtmf.reset();
    this.#twilio.close(code, reason);
  }

  async #onStart(message: TwilioStartMessage): Promise<void> {
    if (this.#state !== "awaiting_start") {
      log("warn", "call.stream_message_skipped", this.#fields({ reason: "second start" }));
      return;
    }
    this.#state = "starting";
    const check = await checkStart({
      env: this.#env,
      message,
      pathCallSid: this.#pathCallSid,
      handshake: this.#handshake,
      store: this.#store,
    });
    if (!check.ok) {
      if (check.refuse) {
        log("warn", "call.stream_refused", this.#fields({ reason: check.reason }));
        this.#closeTwilio(POLICY_VIOLATION, "policy violation");
      } else this.#closeTwilio(1000, "call not active");
      return;
    }
    if (this.#state !== "starting") return; // Twilio went away while we checked.
    // Re-read: the call's current stream went on while this one was checked.
    const meta = this.#store.meta() ?? check.meta;
    if (meta.finalised || meta.phase !== "active") {
      this.#closeTwilio(1000, "call not active");
      return;
    }
    const { tenant } = check;
    if (!this.#hooks.accept(this, tenant.tenantId, check.generation)) {
      log("warn", "call.stream_refused", this.#fields({ reason: "token used or superseded" }));
      this.#closeTwilio(POLICY_VIOLATION, "policy violation");
      return;
    }
    this.#accepted = true;
    const resumed = meta.streamStarts > 0;
    this.#tenant = tenant;
    meta.streamStarts += 1;
    meta.detachedAt = null;
    meta.rolloverAt = Date.now() + this.#hooks.rolloverMs;
    this.#store.saveMeta(meta);
    this.#meta = meta;
    this.#hooks.armAlarm();
    // Agent audio that came before this stream's start goes out on it now.
    this.#audio.attach(message.streamSid, (m) => this.#twilio.send(m));
    log("info", "call.stream_started", this.#fields({ resumed, streamStarts: meta.streamStarts }));

    const ok = await this.#model.connect(tenant, meta.callerPhone, resumed ? "resume" : "greet");
    if (ok && this.#state === "starting") this.#state = "live";
    if (!ok) await this.#reconnectOrFallBack();
  }

  async #onStop(): Promise<void> {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#audio.detach();
    this.#dtmf.reset();
    // A tool may be redirecting the call right now (transfer): let it record that first.
    await this.#tools.settle();
    this.#model.retire();
    const meta = this.#store.meta();
    if (!meta || !this.#tenant) return;
    log("info", "call.stream_stopped", this.#fields({ phase: meta.phase }));
    // A stop during a transfer or a message is the stream ending, not the caller leaving.
    if (meta.phase === "active") await this.#finalise("caller_hangup");
  }

  #onTwilioClosed(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    if (!this.#accepted) return; // a stream that never became the call's: the call goes on
    this.#audio.detach();
    this.#dtmf.reset();
    this.#model.retire();
    const meta = this.#store.updateMeta((m) => {
      if (m.phase === "active" && !m.finalised) m.detachedAt = Date.now();
    });
    log("warn", "call.stream_lost", this.#fields({ phase: meta?.phase ?? null }));
    // The <Redirect> after <Connect> brings the call back if it is still up; the alarm
    // finalises it if nothing does.
    this.#hooks.armAlarm();
  }

  /** Keypad entries reach the model as the caller's text, so a number can be keyed in. */
  #onKeypadEntry(digits: string): void {
    if (!this.#model.connected) return;
    this.#model.send(conversationItemCreateMessage("user", keypadText(digits)));
    if (!this.#model.responseActive) this.#model.send(responseCreate());
  }

  // ---- model side ----

  readonly #modelHandlers: ModelEventHandlers = {
    fields: (extra) => this.#fields(extra),
    speechStarted: () => this.#bargeIn(),
    agentAudio: (chunk) => this.#audio.onDelta(chunk),
    agentAudioDone: (itemId) => this.#audio.onItemAudioDone(itemId),
    agentTranscript: (itemId, text) => this.#transcript.agent(itemId, text),
    callerTranscript: (text) => this.#transcript.caller(text),
    responseCreated: () => (this.#model.responseActive = true),
    responseDone: (usage) => this.#onResponseDone(usage),
    functionCall: (event) => this.#tools.dispatch(event),
  };

  #onResponseDone(usage: RealtimeUsage | null): void {
    this.#model.responseActive = false;
    if (usage) {
      this.#meta = this.#store.updateMeta((m) => {
        m.inputTokens += usage.input_tokens;
        m.outputTokens += usage.output_tokens;
      });
    }
    this.#maybeHangUp();
  }

  #onModelLost(): void {
    if (this.#state !== "live") return;
    log("warn", "call.model_socket_lost", this.#fields());
    void this.#reconnectOrFallBack();
  }

  /** Re-opens the session with the conversation restored; if that fails, a message. */
  async #reconnectOrFallBack(): Promise<void> {
    const tenant = this.#tenant;
    const meta = this.#meta;
    if (tenant && meta && (await this.#model.reconnect(tenant, meta.callerPhone))) {
      if (this.#state === "starting") this.#state = "live";
      return;
    }
    // The agent cannot continue: Twilio runs the <Redirect>, and the continuation answers a
    // spoken apology and `<Record>` — the caller is never left in silence.
    log("error", "call.model_unavailable", this.#fields());
    this.#store.updateMeta((m) => {
      if (m.phase === "active") m.phase = "message";
    });
    this.#model.retire();
    this.#closeTwilio(1000, "handing over to voicemail");
  }

  /** The caller started talking over the agent: stop playout, cut the item at what was heard. */
  #bargeIn(): void {
    const cut = this.#audio.bargeIn();
    if (!cut) return;
    this.#model.send(conversationItemTruncate(cut.itemId, cut.contentIndex, cut.audioEndMs));
    this.#transcript.interrupted(cut.itemId);
    log("info", "call.barge_in", this.#fields({ audioEndMs: cut.audioEndMs }));
  }

  // ---- tools and the end of the call ----

  /** end_call: hang up once the goodbye has played (marks), or at the backstop (the alarm). */
  #hangUpAfterGoodbye(): void {
    this.#pendingHangup = true;
    this.#store.updateMeta((m) => {
      m.hangupAt = Date.now() + this.#hooks.hangupGraceMs;
    });
    this.#hooks.armAlarm();
    this.#maybeHangUp();
  }

  /** Waits for running tools, so a decision about the call sees their effects. */
  settleTools(): Promise<void> {
    return this.#tools.settle();
  }

  #maybeHangUp(): void {
    if (!this.#pendingHangup || this.#model.responseActive || !this.#audio.allPlayed()) return;
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
    this.#model.retire();
    await this.#finalise("agent_ended");
    this.#closeTwilio(1000, "call ended by agent");
  }

  /** Session-length cap: a fresh Realtime session with the conversation restored. */
  async rollover(): Promise<boolean> {
    const tenant = this.#tenant;
    const meta = this.#meta;
    if (this.#state !== "live" || this.#model.reconnecting || !this.#model.connected) return false;
    if (!tenant || !meta) return false;
    // Never cut the agent mid-sentence: the alarm tries again shortly.
    if (this.#model.responseActive || this.#audio.playing()) return false;
    const ok = await this.#model.rollover(tenant, meta.callerPhone);
    if (ok) {
      log("info", "call.session_rolled_over", this.#fields());
      this.#store.updateMeta((m) => {
        m.rolloverAt = Date.now() + this.#hooks.rolloverMs;
      });
    }
    return ok;
  }

  /** The call ended elsewhere (status callback) or a new stream replaced this one. */
  shutdown(): void {
    this.#dtmf.reset();
    this.#model.retire();
    if (this.#state !== "closed") this.#closeTwilio(1000, "call over");
  }

  async #finalise(reason: EndReason): Promise<void> {
    if (!this.#tenant) return;
    await finaliseFromStore(this.#env, this.#store, this.#tenant, reason);
  }
}
