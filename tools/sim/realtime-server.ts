/**
 * A local stand-in for the OpenAI Realtime API (GA) plus a sliver of the REST API, for tests,
 * benchmarks and the offline demo. It speaks the real wire protocol (validated with the same zod
 * schemas the call session uses) and is strict where the real service is, so bugs surface here
 * rather than on a live call:
 * - the handshake needs `Authorization: Bearer …` (and the expected key, if one is configured);
 * - audio appended before a `session.update` selected `audio/pcmu` is rejected (`invalid_value`);
 * - a truncate past the audio actually sent for that item is rejected (`invalid_value`);
 * - a second `response.create` while one is active is rejected, as the real API does;
 * - `response.cancel` stops the audio and ends the response as `cancelled`.
 *
 * What the model "does" comes from a script (see `RealtimeScript`). Run standalone with
 * `npx tsx tools/sim/realtime-server.ts --port 8791` for a demo script.
 */
import http from "node:http";
import { pathToFileURL } from "node:url";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { RawData, WebSocket } from "ws";
import { z } from "zod";
import { assertNever } from "../../durable-objects/call-session/protocol/assert-never";
import {
  parseRealtimeClientEvent,
  type RealtimeClientEvent,
  type RealtimeItem,
  type RealtimeSessionConfig,
  type DocumentedRealtimeUsage,
} from "../../durable-objects/call-session/protocol/realtime.schema";
import { safeJson } from "../../durable-objects/call-session/protocol/parse";
import { BASE64_PATTERN, BYTES_PER_MS, base64Length, speechLike, toBase64 } from "./mulaw";

// ---- script ----

/**
 * When a step runs:
 * - `response.create`: the next client `response.create` (or a VAD-created response after
 *   `callerSays`) that no more specific step claims;
 * - `caller_audio_ms:N`: once the client has appended N ms of caller audio;
 * - `function_output:<name>`: the `response.create` that follows the output of tool `<name>`.
 * Each step runs at most once, in list order among steps with the same trigger.
 */
export type ScriptTrigger =
  "response.create" | `caller_audio_ms:${number}` | `function_output:${string}`;

export type ScriptAction =
  /** One audio response: `audioMs` of speech-like μ-law (default: 60 ms per character). */
  | { say: string; audioMs?: number }
  /** The caller says something: VAD events, then the transcript (and a response under VAD). */
  | { callerSays: string; audioMs?: number }
  /** One response that calls a tool; the script resumes on `function_output:<name>`. */
  | { callTool: string; args: Record<string, unknown> }
  /** The model ends the call: it calls the hang-up tool (`script.hangupTool`, default end_call). */
  | { hangupHint: true }
  /** The server drops the socket (as a crash or network fault would), without a close frame. */
  | { dropConnection: true }
  /** The server sends an `error` event and carries on. */
  | { serverError: { code: string; message: string } }
  | { waitMs: number };

export interface ScriptStep {
  on: ScriptTrigger;
  do: ScriptAction[];
}

export interface RealtimeScript {
  steps: ScriptStep[];
  /** What to answer when no step claims a response (default: a short "Mm-hmm."). */
  fallback?: ScriptAction[];
  /** Audio emission speed relative to real time (default 2; Infinity = as fast as possible). */
  speed?: number;
  /** Name of the tool `hangupHint` calls (default "end_call"). */
  hangupTool?: string;
  /** Load mode: while the caller streams, answer `answerMs` of audio every `everyMs`. */
  load?: { answerMs?: number; everyMs?: number };
  /** Handshakes beyond this many sessions (for this script) are refused with 503. */
  maxSessions?: number;
  /**
   * Top-level fields left out of every server event, to play a server whose events drift from
   * the documented shape (e.g. `["response_id"]`).
   */
  omitFields?: string[];
}

// ---- logs ----

export interface SessionLog {
  id: string;
  model: string;
  authorization: string;
  openedAt: number;
  closedAt: number | null;
  /** Every client event, in order (unparseable ones as "invalid"). */
  events: { type: string; at: number }[];
  /** Every server event sent, in order. */
  sent: { type: string; at: number }[];
  sessionUpdates: RealtimeSessionConfig[];
  appendedAudioBytes: number;
  truncates: {
    itemId: string;
    contentIndex: number;
    audioEndMs: number;
    sentMs: number | null;
    accepted: boolean;
  }[];
  functionOutputs: { callId: string; name: string | null; output: string }[];
  restoredMessages: { role: string; text: string }[];
  /** The instructions of each client `response.create` (null when it carried none). */
  responseInstructions: (string | null)[];
  errorsSent: { code: string; message: string }[];
  responses: { id: string; kind: "audio" | "tool"; status: string; audioBytes: number }[];
  /** Emission time of every audio delta, with its byte offset in the item (for latency). */
  deltas: {
    responseId: string;
    itemId: string;
    at: number;
    offsetBytes: number;
    bytes: number;
    /** The base64 payload, when the simulator runs with `logPayloads`. */
    payload?: string;
  }[];
  hangupHints: number;
  warnings: string[];
}

export interface RestLog {
  path: string;
  at: number;
  authorization: string | null;
  body: unknown;
}

export interface ChatOptions {
  /** Text answer for a plain chat completion (default: echoes the last user message). */
  reply?: (messages: { role: string; content: string }[]) => string;
  /** JSON objects answered for `response_format.json_schema.name` (default `{}`). */
  json?: Record<string, unknown>;
}

export interface RealtimeSimulatorOptions {
  port?: number;
  host?: string;
  script: RealtimeScript;
  /** If set, the handshake and REST calls must carry exactly this key. */
  expectedApiKey?: string;
  chat?: ChatOptions;
  embeddingDimensions?: number;
  /** Keep each audio delta's payload in the session log (tests compare bytes end to end). */
  logPayloads?: boolean;
  /**
   * Enables `POST /__sim/scripts` ({ apiKey, script }) and `GET /__sim/sessions?apiKey=`:
   * sessions authenticated with a registered key follow that key's script, so concurrent tests
   * each drive their own scripted model through one simulator.
   */
  control?: boolean;
}

export interface RealtimeSimulator {
  /** ws://127.0.0.1:PORT/v1/realtime (add `?model=…`). */
  url: string;
  /** http://127.0.0.1:PORT/v1, an `OPENAI_BASE_URL`. */
  httpBaseUrl: string;
  port: number;
  sessions: SessionLog[];
  rest: RestLog[];
  close(): Promise<void>;
}

/** Wall-clock ms with sub-ms precision, comparable with the caller simulator's timestamps. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Chunk sizes cycle through these, as the real API's deltas vary in length. */
const CHUNK_MS = [20, 40, 60, 80, 100] as const;

type JsonObject = Record<string, unknown>;

// ---- one Realtime session ----

interface ActiveResponse {
  id: string;
  cancelled: boolean;
}

class SimSession {
  readonly log: SessionLog;
  #ws: WebSocket;
  #script: RealtimeScript;
  #no: number;
  #counter = 0;
  #closed = false;
  #session: JsonObject;
  #usedSteps = new Set<number>();
  #toolCalls = new Map<string, string>();
  #pendingToolOutput: string | null = null;
  #itemAudioBytes = new Map<string, number>();
  #active: ActiveResponse | null = null;
  #responsesQueued = 0;
  #responseChain: Promise<void> = Promise.resolve();
  #callerChain: Promise<void> = Promise.resolve();
  #lastItemId: string | null = null;
  #lastAppendAt = 0;
  #loadTimer: ReturnType<typeof setInterval> | null = null;

  #logPayloads: boolean;

  constructor(
    ws: WebSocket,
    script: RealtimeScript,
    no: number,
    model: string,
    auth: string,
    logPayloads = false,
  ) {
    this.#ws = ws;
    this.#logPayloads = logPayloads;
    this.#script = script;
    this.#no = no;
    this.log = {
      id: this.#id("sess"),
      model,
      authorization: auth,
      openedAt: now(),
      closedAt: null,
      events: [],
      sent: [],
      sessionUpdates: [],
      appendedAudioBytes: 0,
      truncates: [],
      functionOutputs: [],
      restoredMessages: [],
      responseInstructions: [],
      errorsSent: [],
      responses: [],
      deltas: [],
      hangupHints: 0,
      warnings: [],
    };
    // The real API's defaults: PCM16 at 24 kHz and server VAD, until session.update says else.
    this.#session = {
      id: this.log.id,
      object: "realtime.session",
      type: "realtime",
      model,
      instructions: "",
      output_modalities: ["audio"],
      audio: {
        input: {
          format: { type: "audio/pcm", rate: 24000 },
          transcription: null,
          turn_detection: {
            type: "server_vad",
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: "audio/pcm", rate: 24000 }, voice: "alloy", speed: 1 },
      },
      tools: [],
      tool_choice: "auto",
    };
    ws.on("message", (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on("close", () => this.#onClose());
    ws.on("error", () => this.#onClose());
    this.#send({ type: "session.created", session: this.#session });
    if (script.load) this.#startLoad(script.load);
  }

  #id(prefix: string): string {
    this.#counter += 1;
    return `${prefix}_sim${this.#no}x${String(this.#counter).padStart(5, "0")}`;
  }

  #send(event: JsonObject & { type: string }): void {
    if (this.#closed) return;
    const withId: JsonObject = { event_id: this.#id("event"), ...event };
    for (const field of this.#script.omitFields ?? []) delete withId[field];
    this.log.sent.push({ type: event.type, at: now() });
    this.#ws.send(JSON.stringify(withId));
  }

  #error(code: string, message: string, param: string | null, clientEventId?: string): void {
    this.log.errorsSent.push({ code, message });
    this.#send({
      type: "error",
      error: {
        type: "invalid_request_error",
        code,
        message,
        param,
        event_id: clientEventId ?? null,
      },
    });
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.log.closedAt = now();
    if (this.#active) this.#active.cancelled = true;
    if (this.#loadTimer) clearInterval(this.#loadTimer);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    // Arrival time, before parsing: relay latency must not include the simulator's own work.
    const at = now();
    if (isBinary) {
      this.log.events.push({ type: "invalid", at });
      this.#error("invalid_json", "Binary frames are not supported.", null);
      return;
    }
    const text = rawText(data);
    // Caller audio is most of the traffic (50 events a second per call): checked by hand against
    // the same rules as the schema, so that the simulator is not the bottleneck under load.
    const append = text.startsWith(APPEND_HEAD) ? parseAppend(text) : null;
    if (append) {
      this.log.events.push({ type: append.type, at });
      this.#handle(append);
      return;
    }
    const parsed = parseRealtimeClientEvent(text);
    if (!parsed.ok) {
      this.log.events.push({ type: parsed.type ?? "invalid", at });
      this.#error(parsed.type === null ? "invalid_json" : "invalid_value", parsed.reason, "type");
      return;
    }
    this.log.events.push({ type: parsed.event.type, at });
    this.#handle(parsed.event);
  }

  #handle(event: RealtimeClientEvent): void {
    switch (event.type) {
      case "session.update": {
        this.log.sessionUpdates.push(event.session);
        this.#session = mergeDeep(this.#session, event.session);
        this.#send({ type: "session.updated", session: this.#session });
        return;
      }
      case "input_audio_buffer.append": {
        if (this.#inputFormat() !== "audio/pcmu") {
          this.#error(
            "invalid_value",
            "Input audio format is not audio/pcmu: send session.update before appending μ-law audio.",
            "audio",
            event.event_id,
          );
          return;
        }
        const bytes = base64Length(event.audio);
        const before = this.log.appendedAudioBytes / BYTES_PER_MS;
        this.log.appendedAudioBytes += bytes;
        this.#lastAppendAt = now();
        this.#fireCallerAudioSteps(before, this.log.appendedAudioBytes / BYTES_PER_MS);
        return;
      }
      case "input_audio_buffer.commit": {
        const itemId = this.#id("item");
        this.#send({
          type: "input_audio_buffer.committed",
          previous_item_id: this.#lastItemId,
          item_id: itemId,
        });
        this.#lastItemId = itemId;
        return;
      }
      case "input_audio_buffer.clear":
        this.#send({ type: "input_audio_buffer.cleared" });
        return;
      case "response.create": {
        this.log.responseInstructions.push(event.response?.instructions ?? null);
        if (this.#responsesQueued > 0) {
          this.#error(
            "conversation_already_has_active_response",
            "Conversation already has an active response in progress.",
            null,
            event.event_id,
          );
          return;
        }
        this.#enqueueResponse();
        return;
      }
      case "response.cancel": {
        if (!this.#active || this.#active.cancelled) {
          this.#error(
            "response_cancel_not_active",
            "Cancellation failed: no active response found.",
            null,
            event.event_id,
          );
          return;
        }
        this.#active.cancelled = true;
        return;
      }
      case "conversation.item.create": {
        const item = event.item;
        const id = this.#id("item");
        if (item.type === "function_call_output") {
          const name = this.#toolCalls.get(item.call_id) ?? null;
          this.log.functionOutputs.push({ callId: item.call_id, name, output: item.output });
          if (name === null) {
            this.#error(
              "invalid_value",
              `Tool call ID '${item.call_id}' not found in conversation.`,
              "item.call_id",
              event.event_id,
            );
            return;
          }
          this.#toolCalls.delete(item.call_id);
          this.#pendingToolOutput = name;
        } else {
          this.log.restoredMessages.push({
            role: item.role,
            text: item.content.map((c) => c.text).join(""),
          });
        }
        const echoed = { id, object: "realtime.item", status: "completed", ...item };
        this.#send({
          type: "conversation.item.added",
          previous_item_id: this.#lastItemId,
          item: echoed,
        });
        this.#send({
          type: "conversation.item.done",
          previous_item_id: this.#lastItemId,
          item: echoed,
        });
        this.#lastItemId = id;
        return;
      }
      case "conversation.item.truncate": {
        const sentBytes = this.#itemAudioBytes.get(event.item_id);
        const sentMs = sentBytes === undefined ? null : sentBytes / BYTES_PER_MS;
        const record = {
          itemId: event.item_id,
          contentIndex: event.content_index,
          audioEndMs: event.audio_end_ms,
          sentMs,
          accepted: false,
        };
        this.log.truncates.push(record);
        if (sentMs === null) {
          this.#error(
            "invalid_value",
            `Item '${event.item_id}' has no assistant audio to truncate.`,
            "item_id",
            event.event_id,
          );
          return;
        }
        if (event.content_index !== 0) {
          this.#error("invalid_value", "content_index must be 0.", "content_index", event.event_id);
          return;
        }
        if (event.audio_end_ms > sentMs) {
          this.#error(
            "invalid_value",
            `audio_end_ms ${event.audio_end_ms} is past the end of the item's audio (${sentMs} ms).`,
            "audio_end_ms",
            event.event_id,
          );
          return;
        }
        record.accepted = true;
        this.#send({
          type: "conversation.item.truncated",
          item_id: event.item_id,
          content_index: event.content_index,
          audio_end_ms: event.audio_end_ms,
        });
        return;
      }
      case "conversation.item.delete":
        this.#send({ type: "conversation.item.deleted", item_id: event.item_id });
        return;
      default:
        assertNever(event);
    }
  }

  #inputFormat(): string | null {
    return readPath(this.#session, ["audio", "input", "format", "type"]);
  }

  #turnDetection(): JsonObject | null {
    const audio = this.#session["audio"];
    if (!isObject(audio) || !isObject(audio["input"])) return null;
    const td = audio["input"]["turn_detection"];
    return isObject(td) ? td : null;
  }

  #takeStep(trigger: string): ScriptAction[] | null {
    const index = this.#script.steps.findIndex(
      (s, i) => s.on === trigger && !this.#usedSteps.has(i),
    );
    const step = this.#script.steps[index];
    if (!step) return null;
    this.#usedSteps.add(index);
    return step.do;
  }

  #fireCallerAudioSteps(beforeMs: number, afterMs: number): void {
    this.#script.steps.forEach((step, i) => {
      const m = /^caller_audio_ms:(\d+)$/.exec(step.on);
      if (!m || this.#usedSteps.has(i)) return;
      const at = Number(m[1]);
      if (at > beforeMs && at <= afterMs) {
        this.#usedSteps.add(i);
        // Caller actions run on their own chain so they can barge in on a speaking model.
        this.#callerChain = this.#callerChain.then(() => this.#run(step.do)).catch(() => {});
      }
    });
  }

  /** A response.create (from the client or from VAD): pick the script's answer and queue it. */
  #enqueueResponse(): void {
    this.#responsesQueued += 1;
    const toolName = this.#pendingToolOutput;
    this.#pendingToolOutput = null;
    const actions = (toolName === null ? null : this.#takeStep(`function_output:${toolName}`)) ??
      this.#takeStep("response.create") ??
      this.#script.fallback ?? [{ say: "Mm-hmm.", audioMs: 400 }];
    this.#responseChain = this.#responseChain
      .then(() => this.#run(actions))
      .catch(() => {})
      .finally(() => {
        this.#responsesQueued -= 1;
      });
  }

  async #run(actions: ScriptAction[]): Promise<void> {
    for (const action of actions) {
      if (this.#closed) return;
      if ("say" in action) await this.#say(action.say, action.audioMs);
      else if ("callerSays" in action) await this.#callerSays(action.callerSays, action.audioMs);
      else if ("callTool" in action) this.#callTool(action.callTool, action.args);
      else if ("dropConnection" in action) {
        this.#ws.terminate();
        this.#onClose();
      } else if ("serverError" in action) {
        this.#error(action.serverError.code, action.serverError.message, null);
      } else if ("hangupHint" in action) {
        this.log.hangupHints += 1;
        this.#callTool(this.#script.hangupTool ?? "end_call", { reason: "conversation finished" });
      } else await sleep(action.waitMs);
    }
  }

  #usage(audioMs: number, text: string): DocumentedRealtimeUsage {
    const inputAudio = Math.ceil(this.log.appendedAudioBytes / BYTES_PER_MS / 100);
    const outputAudio = Math.ceil(audioMs / 50);
    const outputText = text.split(/\s+/).filter(Boolean).length;
    const inputText = 200;
    return {
      total_tokens: inputAudio + inputText + outputAudio + outputText,
      input_tokens: inputAudio + inputText,
      output_tokens: outputAudio + outputText,
      input_token_details: { cached_tokens: 0, text_tokens: inputText, audio_tokens: inputAudio },
      output_token_details: { text_tokens: outputText, audio_tokens: outputAudio },
    };
  }

  async #say(text: string, audioMsOption?: number): Promise<void> {
    if (readPath(this.#session, ["audio", "output", "format", "type"]) !== "audio/pcmu") {
      this.log.warnings.push("said audio while the output format was not audio/pcmu");
    }
    const audioMs = Math.round(audioMsOption ?? Math.max(400, text.length * 60));
    const responseId = this.#id("resp");
    const itemId = this.#id("item");
    const active: ActiveResponse = { id: responseId, cancelled: false };
    this.#active = active;
    const record = { id: responseId, kind: "audio" as const, status: "in_progress", audioBytes: 0 };
    this.log.responses.push(record);
    this.#send({
      type: "response.created",
      response: { id: responseId, object: "realtime.response", status: "in_progress", output: [] },
    });
    const item: JsonObject = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      status: "in_progress",
      role: "assistant",
      content: [],
    };
    const ref = { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 };
    this.#send({
      type: "response.output_item.added",
      response_id: responseId,
      output_index: 0,
      item,
    });
    this.#send({ type: "conversation.item.added", previous_item_id: this.#lastItemId, item });
    this.#lastItemId = itemId;
    // Not modelled by our schemas: exercises the client's pass-through of unknown events.
    this.#send({
      type: "response.content_part.added",
      ...ref,
      part: { type: "audio", transcript: "" },
    });

    const audio = speechLike(audioMs, this.#counter);
    const words = text.split(/(?<=\s)/);
    const speed = this.#script.speed ?? 2;
    const started = now();
    let offset = 0;
    let spokenWords = 0;
    let chunkNo = 0;
    this.#itemAudioBytes.set(itemId, 0);
    while (offset < audio.length && !active.cancelled && !this.#closed) {
      const ms = CHUNK_MS[chunkNo % CHUNK_MS.length] ?? 20;
      chunkNo += 1;
      const chunk = audio.subarray(offset, Math.min(audio.length, offset + ms * BYTES_PER_MS));
      this.#send({ type: "response.output_audio.delta", ...ref, delta: toBase64(chunk) });
      this.log.deltas.push({
        responseId,
        itemId,
        at: now(),
        offsetBytes: offset,
        bytes: chunk.length,
        ...(this.#logPayloads ? { payload: toBase64(chunk) } : {}),
      });
      offset += chunk.length;
      record.audioBytes = offset;
      this.#itemAudioBytes.set(itemId, offset);
      // Transcript keeps pace with the audio, as the real service roughly does.
      const wordsDue = Math.ceil((words.length * offset) / audio.length);
      if (wordsDue > spokenWords) {
        this.#send({
          type: "response.output_audio_transcript.delta",
          ...ref,
          delta: words.slice(spokenWords, wordsDue).join(""),
        });
        spokenWords = wordsDue;
      }
      if (Number.isFinite(speed)) {
        await sleep(started + offset / BYTES_PER_MS / speed - now());
      } else {
        // Yield so a cancel or barge-in arriving meanwhile is seen.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const status = active.cancelled ? "cancelled" : "completed";
    record.status = status;
    const transcript = words.slice(0, spokenWords).join("");
    const doneItem = {
      ...item,
      status: status === "completed" ? "completed" : "incomplete",
      content: [{ type: "output_audio", transcript }],
    };
    this.#send({ type: "response.output_audio.done", ...ref });
    this.#send({ type: "response.output_audio_transcript.done", ...ref, transcript });
    this.#send({
      type: "response.content_part.done",
      ...ref,
      part: { type: "audio", transcript },
    });
    this.#finishResponse(
      responseId,
      doneItem,
      status,
      this.#usage(offset / BYTES_PER_MS, transcript),
    );
    if (this.#active === active) this.#active = null;
  }

  /** The events that close every response, spoken or a tool call, in the API's order. */
  #finishResponse(
    responseId: string,
    doneItem: Record<string, unknown>,
    status: string,
    usage: unknown,
  ): void {
    this.#send({
      type: "response.output_item.done",
      response_id: responseId,
      output_index: 0,
      item: doneItem,
    });
    this.#send({ type: "conversation.item.done", previous_item_id: null, item: doneItem });
    this.#send({
      type: "response.done",
      response: {
        id: responseId,
        object: "realtime.response",
        status,
        status_details:
          status === "cancelled" ? { type: "cancelled", reason: "client_cancelled" } : null,
        output: [doneItem],
        usage,
      },
    });
  }

  #callTool(name: string, args: Record<string, unknown>): void {
    const responseId = this.#id("resp");
    const itemId = this.#id("item");
    const callId = this.#id("call");
    const argText = JSON.stringify(args);
    this.log.responses.push({ id: responseId, kind: "tool", status: "completed", audioBytes: 0 });
    this.#send({
      type: "response.created",
      response: { id: responseId, object: "realtime.response", status: "in_progress", output: [] },
    });
    const item: RealtimeItem = {
      id: itemId,
      object: "realtime.item",
      type: "function_call",
      status: "in_progress",
      call_id: callId,
      name,
      arguments: "",
    };
    this.#send({
      type: "response.output_item.added",
      response_id: responseId,
      output_index: 0,
      item,
    });
    this.#send({ type: "conversation.item.added", previous_item_id: this.#lastItemId, item });
    this.#lastItemId = itemId;
    const ref = { response_id: responseId, item_id: itemId, output_index: 0, call_id: callId };
    this.#send({ type: "response.function_call_arguments.delta", ...ref, delta: argText });
    this.#send({ type: "response.function_call_arguments.done", ...ref, name, arguments: argText });
    const doneItem = { ...item, status: "completed", arguments: argText };
    this.#finishResponse(responseId, doneItem, "completed", this.#usage(0, argText));
    this.#toolCalls.set(callId, name);
  }

  async #callerSays(text: string, audioMsOption?: number): Promise<void> {
    const audioMs = Math.round(audioMsOption ?? 300);
    const itemId = this.#id("item");
    const startMs = Math.round(this.log.appendedAudioBytes / BYTES_PER_MS);
    this.#send({
      type: "input_audio_buffer.speech_started",
      audio_start_ms: startMs,
      item_id: itemId,
    });
    const td = this.#turnDetection();
    // Server VAD interrupts a response still being generated (interrupt_response defaults on).
    if (td && td["interrupt_response"] !== false && this.#active) this.#active.cancelled = true;
    await sleep(audioMs);
    this.#send({
      type: "input_audio_buffer.speech_stopped",
      audio_end_ms: startMs + audioMs,
      item_id: itemId,
    });
    this.#send({
      type: "input_audio_buffer.committed",
      previous_item_id: this.#lastItemId,
      item_id: itemId,
    });
    const item = {
      id: itemId,
      object: "realtime.item",
      type: "message",
      status: "completed",
      role: "user",
      content: [{ type: "input_audio", transcript: null }],
    };
    this.#send({ type: "conversation.item.added", previous_item_id: this.#lastItemId, item });
    this.#send({ type: "conversation.item.done", previous_item_id: this.#lastItemId, item });
    this.#lastItemId = itemId;
    this.#send({
      type: "conversation.item.input_audio_transcription.completed",
      item_id: itemId,
      content_index: 0,
      transcript: text,
    });
    // A response we just interrupted is still winding down: let it end before answering.
    if (this.#active?.cancelled) await this.#responseChain;
    if (td && td["create_response"] !== false && this.#responsesQueued === 0) {
      this.#enqueueResponse();
    }
  }

  #startLoad(load: NonNullable<RealtimeScript["load"]>): void {
    const everyMs = load.everyMs ?? 1000;
    const answerMs = load.answerMs ?? 800;
    this.#loadTimer = setInterval(() => {
      const streaming = now() - this.#lastAppendAt < everyMs;
      if (!streaming || this.#responsesQueued > 0 || this.#closed) return;
      this.#responsesQueued += 1;
      this.#responseChain = this.#responseChain
        .then(() => this.#say("Load test answer.", answerMs))
        .catch(() => {})
        .finally(() => {
          this.#responsesQueued -= 1;
        });
    }, everyMs);
  }
}

// ---- helpers ----

const APPEND_HEAD = '{"type":"input_audio_buffer.append"';

/**
 * `input_audio_buffer.append` checked as InputAudioAppendEvent would (type, optional string
 * event_id, base64 audio; other keys ignored). Null for anything else: the schema then decides,
 * with its reason.
 */
function parseAppend(
  text: string,
): Extract<RealtimeClientEvent, { type: "input_audio_buffer.append" }> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const audio = v["audio"];
  const eventId = v["event_id"];
  if (v["type"] !== "input_audio_buffer.append" || typeof audio !== "string") return null;
  if (eventId !== undefined && typeof eventId !== "string") return null;
  if (!BASE64_PATTERN.test(audio)) return null;
  return eventId === undefined
    ? { type: "input_audio_buffer.append", audio }
    : { type: "input_audio_buffer.append", event_id: eventId, audio };
}

export function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Only the fields present in an update change; objects merge, anything else replaces. */
function mergeDeep(base: JsonObject, update: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

function readPath(obj: JsonObject, path: string[]): string | null {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isObject(cur)) return null;
    cur = cur[key];
  }
  return typeof cur === "string" ? cur : null;
}

function rejectUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ error: { type: "invalid_request_error", code: null, message } });
  socket.write(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.destroy();
}

/** Returns an error message, or null when the Authorization header is acceptable. */
function checkAuth(header: string | undefined, expected: string | undefined): string | null {
  const m = /^Bearer (.+)$/.exec(header ?? "");
  if (!m) return "Missing bearer authentication in header.";
  if (expected !== undefined && m[1] !== expected) return "Incorrect API key provided.";
  return null;
}

// ---- REST (chat completions, embeddings) ----

const ChatRequest = z.looseObject({
  model: z.string(),
  messages: z.array(
    z.looseObject({
      role: z.string(),
      content: z
        .union([
          z.string(),
          z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
          z.null(),
        ])
        .optional(),
    }),
  ),
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z.looseObject({ name: z.string() }).optional(),
    })
    .optional(),
});

const EmbeddingsRequest = z.looseObject({
  model: z.string(),
  input: z.union([z.string(), z.array(z.string())]),
  dimensions: z.number().int().positive().max(4096).optional(),
});

function messageText(content: z.infer<typeof ChatRequest>["messages"][number]["content"]): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((p) => p.text ?? "").join("");
  return "";
}

/** Bag-of-words hashing: same text, same vector; shared words, nearby vectors. */
export function deterministicEmbedding(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [""];
  for (const word of words) {
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193);
    for (let k = 0; k < 8; k++) {
      h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
      const index = h % dimensions;
      v[index] = (v[index] ?? 0) + ((h & 0x100) === 0 ? 1 : -1);
    }
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

async function readBody(req: http.IncomingMessage, limit = 1_000_000): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > limit) return null;
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
}

function apiError(res: http.ServerResponse, status: number, message: string): void {
  sendJson(res, status, {
    error: { message, type: "invalid_request_error", param: null, code: null },
  });
}

async function handleRest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: RealtimeSimulatorOptions,
  log: RestLog[],
): Promise<void> {
  const path = new URL(req.url ?? "/", "http://sim").pathname;
  if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/embeddings")) {
    apiError(res, 404, `Unknown route ${req.method ?? ""} ${path}`);
    return;
  }
  const authError = checkAuth(req.headers.authorization, options.expectedApiKey);
  if (authError) {
    apiError(res, 401, authError);
    return;
  }
  const text = await readBody(req);
  const json = text === null ? null : safeJson(text);
  const body: unknown = json?.ok ? json.value : null;
  log.push({ path, at: now(), authorization: req.headers.authorization ?? null, body });

  if (path === "/v1/embeddings") {
    const parsed = EmbeddingsRequest.safeParse(body);
    if (!parsed.success) {
      apiError(res, 400, "Invalid embeddings request.");
      return;
    }
    const inputs = typeof parsed.data.input === "string" ? [parsed.data.input] : parsed.data.input;
    const dims = parsed.data.dimensions ?? options.embeddingDimensions ?? 1536;
    const tokens = inputs.reduce((n, s) => n + s.split(/\s+/).length, 0);
    sendJson(res, 200, {
      object: "list",
      data: inputs.map((input, index) => ({
        object: "embedding",
        index,
        embedding: deterministicEmbedding(input, dims),
      })),
      model: parsed.data.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    return;
  }

  const parsed = ChatRequest.safeParse(body);
  if (!parsed.success) {
    apiError(res, 400, "Invalid chat completion request.");
    return;
  }
  const messages = parsed.data.messages.map((m) => ({
    role: m.role,
    content: messageText(m.content),
  }));
  const format = parsed.data.response_format;
  let content: string;
  if (format?.type === "json_schema") {
    const name = format.json_schema?.name ?? "";
    content = JSON.stringify(options.chat?.json?.[name] ?? {});
  } else if (options.chat?.reply) {
    content = options.chat.reply(messages);
  } else {
    const lastUser = [...messages].reverse().find((m) => m.role === "user");
    content = `Echo: ${lastUser?.content ?? ""}`;
  }
  const promptTokens = messages.reduce((n, m) => n + m.content.split(/\s+/).length, 0);
  const completionTokens = content.split(/\s+/).length;
  sendJson(res, 200, {
    id: `chatcmpl-sim${log.length}`,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: parsed.data.model,
    choices: [
      {
        index: 0,
        message: { role: "assistant", content, refusal: null },
        logprobs: null,
        finish_reason: "stop",
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
  });
}

// ---- control (tests) ----

const ControlScript = z.object({
  apiKey: z.string().min(1),
  script: z.looseObject({ steps: z.array(z.looseObject({ on: z.string() })) }),
});

async function handleControl(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  scripts: Map<string, RealtimeScript>,
  sessionsByKey: Map<string, SessionLog[]>,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sim");
  if (req.method === "POST" && url.pathname === "/__sim/scripts") {
    const text = await readBody(req);
    const json = text === null ? null : safeJson(text);
    const parsed = ControlScript.safeParse(json?.ok ? json.value : null);
    if (!parsed.success) {
      apiError(res, 400, "Send { apiKey, script }.");
      return;
    }
    // Trusted test input: the shape of each step is the script's own business.
    scripts.set(parsed.data.apiKey, parsed.data.script as unknown as RealtimeScript);
    sessionsByKey.set(parsed.data.apiKey, []);
    sendJson(res, 201, { ok: true });
    return;
  }
  if (req.method === "GET" && url.pathname === "/__sim/sessions") {
    sendJson(res, 200, { sessions: sessionsByKey.get(url.searchParams.get("apiKey") ?? "") ?? [] });
    return;
  }
  apiError(res, 404, `Unknown control route ${req.method ?? ""} ${url.pathname}`);
}

// ---- server ----

export async function startRealtimeSimulator(
  options: RealtimeSimulatorOptions,
): Promise<RealtimeSimulator> {
  const host = options.host ?? "127.0.0.1";
  const sessions: SessionLog[] = [];
  const rest: RestLog[] = [];
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });
  let sessionNo = 0;

  const scriptsByKey = new Map<string, RealtimeScript>();
  const sessionsByKey = new Map<string, SessionLog[]>();
  const keyOf = (authorization: string | undefined): string | null =>
    /^Bearer (.+)$/.exec(authorization ?? "")?.[1] ?? null;

  const server = http.createServer((req, res) => {
    if (options.control && (req.url ?? "").startsWith("/__sim/")) {
      handleControl(req, res, scriptsByKey, sessionsByKey).catch(() =>
        apiError(res, 500, "Simulator error."),
      );
      return;
    }
    handleRest(req, res, options, rest).catch(() => apiError(res, 500, "Simulator error."));
  });

  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://sim");
    if (url.pathname !== "/v1/realtime") {
      rejectUpgrade(socket, 404, "Not Found", `Unknown route ${url.pathname}`);
      return;
    }
    const authError = checkAuth(req.headers.authorization, options.expectedApiKey);
    if (authError) {
      rejectUpgrade(socket, 401, "Unauthorized", authError);
      return;
    }
    const model = url.searchParams.get("model");
    if (!model) {
      rejectUpgrade(socket, 400, "Bad Request", "Missing required parameter: 'model'.");
      return;
    }
    const key = keyOf(req.headers.authorization);
    const keyed = key === null ? undefined : scriptsByKey.get(key);
    const script = keyed ?? options.script;
    const keySessions = key === null ? [] : (sessionsByKey.get(key) ?? []);
    if (keyed?.maxSessions !== undefined && keySessions.length >= keyed.maxSessions) {
      rejectUpgrade(socket, 503, "Service Unavailable", "The server is overloaded.");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sessionNo += 1;
      sockets.add(ws);
      ws.on("close", () => sockets.delete(ws));
      const session = new SimSession(
        ws,
        script,
        sessionNo,
        model,
        req.headers.authorization ?? "",
        options.logPayloads ?? false,
      );
      sessions.push(session.log);
      if (key !== null && keyed) {
        keySessions.push(session.log);
        sessionsByKey.set(key, keySessions);
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    url: `ws://${host}:${port}/v1/realtime`,
    httpBaseUrl: `http://${host}:${port}/v1`,
    port,
    sessions,
    rest,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Greeting → caller asks → tool call → answer → caller says bye → goodbye and hang-up. */
export const DEMO_SCRIPT: RealtimeScript = {
  steps: [
    {
      on: "response.create",
      do: [{ say: "Thanks for calling! This is the receptionist. How can I help?", audioMs: 2500 }],
    },
    {
      on: "caller_audio_ms:4000",
      do: [{ callerSays: "Hi, I'd like to check on my auto policy.", audioMs: 1500 }],
    },
    { on: "response.create", do: [{ callTool: "lookup_caller", args: {} }] },
    {
      on: "function_output:lookup_caller",
      do: [{ say: "I found your account. Your auto policy renews next month.", audioMs: 3000 }],
    },
    { on: "caller_audio_ms:12000", do: [{ callerSays: "Great, thanks. Bye!", audioMs: 800 }] },
    {
      on: "response.create",
      do: [{ say: "You're welcome, goodbye!", audioMs: 1200 }, { hangupHint: true }],
    },
  ],
};

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const port = Number(argValue("--port") ?? "8791");
  const load = process.argv.includes("--load");
  const apiKey = argValue("--api-key");
  startRealtimeSimulator({
    port,
    script: load ? { steps: [], load: {} } : DEMO_SCRIPT,
    ...(apiKey === undefined ? {} : { expectedApiKey: apiKey }),
  })
    .then((sim) => {
      console.log(`Realtime simulator: ${sim.url}?model=gpt-realtime  (REST: ${sim.httpBaseUrl})`);
      const shutdown = (): void => {
        void sim.close().then(() => process.exit(0));
      };
      process.on("SIGINT", shutdown);
      process.on("SIGTERM", shutdown);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
