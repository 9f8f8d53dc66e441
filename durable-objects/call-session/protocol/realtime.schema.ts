/**
 * OpenAI Realtime API (GA) wire protocol, as zod schemas and typed client-event builders.
 *
 * Protocol note (https://platform.openai.com/docs/api-reference/realtime-server-events):
 * - One WebSocket per call; JSON text frames discriminated by `type`.
 * - GA names, not the beta ones: `response.output_audio.delta` (not `response.audio.delta`),
 *   `response.output_audio_transcript.*`, `session.type = "realtime"`, audio formats as
 *   `{ type: "audio/pcmu" }` under `session.audio.input|output.format`.
 * - We run G.711 μ-law both ways so Twilio's audio passes through untouched.
 * - The server adds event types over time. A known type must match its schema; an unknown type
 *   parses as a generic `{ type }` so a new event can never crash a call.
 */
import { z } from "zod";
import { describeIssues, safeJson } from "./parse";

const Base64 = z.base64();
/** Present on every server event per the docs; optional here because we never use it. */
const EventId = z.string().optional();

// ---- shared shapes ----

/** A content part of a conversation item. Loose: part types grow (input_image, …). */
export const RealtimeContentPart = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  transcript: z.string().nullable().optional(),
  audio: z.string().nullable().optional(),
});
export type RealtimeContentPart = z.infer<typeof RealtimeContentPart>;

/**
 * A conversation item (message, function_call, function_call_output, …). Loose on purpose:
 * items are nested in many events and new item types (e.g. MCP calls) must not fail them.
 */
export const RealtimeItem = z.looseObject({
  id: z.string().optional(),
  type: z.string(),
  object: z.string().optional(),
  status: z.string().optional(),
  role: z.enum(["user", "assistant", "system"]).optional(),
  content: z.array(RealtimeContentPart).optional(),
  call_id: z.string().optional(),
  name: z.string().optional(),
  arguments: z.string().optional(),
  output: z.string().optional(),
});
export type RealtimeItem = z.infer<typeof RealtimeItem>;

export const RealtimeUsage = z.object({
  total_tokens: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  input_token_details: z
    .looseObject({
      cached_tokens: z.number().optional(),
      text_tokens: z.number().optional(),
      audio_tokens: z.number().optional(),
    })
    .optional(),
  output_token_details: z
    .looseObject({ text_tokens: z.number().optional(), audio_tokens: z.number().optional() })
    .optional(),
});
export type RealtimeUsage = z.infer<typeof RealtimeUsage>;

export const RealtimeResponseStatus = z.enum([
  "completed",
  "cancelled",
  "failed",
  "incomplete",
  "in_progress",
]);
export type RealtimeResponseStatus = z.infer<typeof RealtimeResponseStatus>;

export const RealtimeResponse = z.object({
  id: z.string(),
  object: z.string().optional(),
  status: RealtimeResponseStatus,
  status_details: z.looseObject({}).nullable().optional(),
  output: z.array(RealtimeItem).default([]),
  usage: RealtimeUsage.nullable().optional(),
});
export type RealtimeResponse = z.infer<typeof RealtimeResponse>;

/** The session as the server echoes it; we keep it loose and only look at a few fields. */
export const RealtimeSessionEcho = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  model: z.string().optional(),
  instructions: z.string().optional(),
  output_modalities: z.array(z.string()).optional(),
  audio: z.looseObject({}).optional(),
});
export type RealtimeSessionEcho = z.infer<typeof RealtimeSessionEcho>;

// ---- server events ----

export const SessionCreatedEvent = z.object({
  type: z.literal("session.created"),
  event_id: EventId,
  session: RealtimeSessionEcho,
});
export const SessionUpdatedEvent = z.object({
  type: z.literal("session.updated"),
  event_id: EventId,
  session: RealtimeSessionEcho,
});
export const ErrorEvent = z.object({
  type: z.literal("error"),
  event_id: EventId,
  error: z.object({
    type: z.string(),
    code: z.string().nullable().optional(),
    message: z.string(),
    param: z.string().nullable().optional(),
    event_id: z.string().nullable().optional(),
  }),
});
export type ErrorEvent = z.infer<typeof ErrorEvent>;
export const SpeechStartedEvent = z.object({
  type: z.literal("input_audio_buffer.speech_started"),
  event_id: EventId,
  audio_start_ms: z.number(),
  item_id: z.string(),
});
export const SpeechStoppedEvent = z.object({
  type: z.literal("input_audio_buffer.speech_stopped"),
  event_id: EventId,
  audio_end_ms: z.number(),
  item_id: z.string(),
});
export const InputAudioCommittedEvent = z.object({
  type: z.literal("input_audio_buffer.committed"),
  event_id: EventId,
  previous_item_id: z.string().nullable().optional(),
  item_id: z.string(),
});
export const InputTranscriptionCompletedEvent = z.object({
  type: z.literal("conversation.item.input_audio_transcription.completed"),
  event_id: EventId,
  item_id: z.string(),
  content_index: z.number(),
  transcript: z.string(),
});
export const ResponseCreatedEvent = z.object({
  type: z.literal("response.created"),
  event_id: EventId,
  response: RealtimeResponse,
});
/** Coordinates of a content part inside a response; shared by the streaming events. */
const PartRef = {
  event_id: EventId,
  response_id: z.string(),
  item_id: z.string(),
  output_index: z.number(),
  content_index: z.number(),
};
export const OutputAudioDeltaEvent = z.object({
  type: z.literal("response.output_audio.delta"),
  ...PartRef,
  delta: Base64,
});
export type OutputAudioDeltaEvent = z.infer<typeof OutputAudioDeltaEvent>;
export const OutputAudioDoneEvent = z.object({
  type: z.literal("response.output_audio.done"),
  ...PartRef,
});
export const OutputAudioTranscriptDeltaEvent = z.object({
  type: z.literal("response.output_audio_transcript.delta"),
  ...PartRef,
  delta: z.string(),
});
export const OutputAudioTranscriptDoneEvent = z.object({
  type: z.literal("response.output_audio_transcript.done"),
  ...PartRef,
  transcript: z.string(),
});
export const OutputItemAddedEvent = z.object({
  type: z.literal("response.output_item.added"),
  event_id: EventId,
  response_id: z.string(),
  output_index: z.number(),
  item: RealtimeItem,
});
export const OutputItemDoneEvent = z.object({
  type: z.literal("response.output_item.done"),
  event_id: EventId,
  response_id: z.string(),
  output_index: z.number(),
  item: RealtimeItem,
});
export const FunctionCallArgumentsDoneEvent = z.object({
  type: z.literal("response.function_call_arguments.done"),
  event_id: EventId,
  response_id: z.string(),
  item_id: z.string(),
  output_index: z.number(),
  call_id: z.string(),
  name: z.string(),
  /** JSON text produced by the model: validate it before use, it is not guaranteed well-formed. */
  arguments: z.string(),
});
export type FunctionCallArgumentsDoneEvent = z.infer<typeof FunctionCallArgumentsDoneEvent>;
export const ResponseDoneEvent = z.object({
  type: z.literal("response.done"),
  event_id: EventId,
  response: RealtimeResponse,
});
export type ResponseDoneEvent = z.infer<typeof ResponseDoneEvent>;
const ItemEventFields = {
  event_id: EventId,
  previous_item_id: z.string().nullable().optional(),
  item: RealtimeItem,
};
export const ConversationItemCreatedEvent = z.object({
  type: z.literal("conversation.item.created"),
  ...ItemEventFields,
});
export const ConversationItemAddedEvent = z.object({
  type: z.literal("conversation.item.added"),
  ...ItemEventFields,
});
export const ConversationItemDoneEvent = z.object({
  type: z.literal("conversation.item.done"),
  ...ItemEventFields,
});
export const ConversationItemTruncatedEvent = z.object({
  type: z.literal("conversation.item.truncated"),
  event_id: EventId,
  item_id: z.string(),
  content_index: z.number(),
  audio_end_ms: z.number(),
});
export const RateLimitsUpdatedEvent = z.object({
  type: z.literal("rate_limits.updated"),
  event_id: EventId,
  rate_limits: z.array(
    z.object({
      name: z.string(),
      limit: z.number(),
      remaining: z.number(),
      reset_seconds: z.number(),
    }),
  ),
});

/** The server events the call session acts on. */
export const RealtimeServerEvent = z.discriminatedUnion("type", [
  SessionCreatedEvent,
  SessionUpdatedEvent,
  ErrorEvent,
  SpeechStartedEvent,
  SpeechStoppedEvent,
  InputAudioCommittedEvent,
  InputTranscriptionCompletedEvent,
  ResponseCreatedEvent,
  OutputAudioDeltaEvent,
  OutputAudioDoneEvent,
  OutputAudioTranscriptDeltaEvent,
  OutputAudioTranscriptDoneEvent,
  OutputItemAddedEvent,
  OutputItemDoneEvent,
  FunctionCallArgumentsDoneEvent,
  ResponseDoneEvent,
  ConversationItemCreatedEvent,
  ConversationItemAddedEvent,
  ConversationItemDoneEvent,
  ConversationItemTruncatedEvent,
  RateLimitsUpdatedEvent,
]);
export type RealtimeServerEvent = z.infer<typeof RealtimeServerEvent>;
export type RealtimeServerEventType = RealtimeServerEvent["type"];

const KNOWN_SERVER_EVENT_TYPES: ReadonlySet<string> = new Set(
  RealtimeServerEvent.options.map((o) => o.shape.type.value),
);

/** Any server event we do not model: only its type is trusted. */
export interface UnknownRealtimeServerEvent {
  type: string;
}

export type ParsedRealtimeServerEvent =
  | { ok: true; known: true; event: RealtimeServerEvent }
  | { ok: true; known: false; event: UnknownRealtimeServerEvent }
  | { ok: false; reason: string };

/**
 * Parses one server frame. Never throws. Two steps: read `type`; if it is one we model, the
 * whole event must match its schema (else a reason), otherwise it passes through as generic.
 * Kept as two result shapes (not one union with a `type: string` member) so a `switch` on
 * `event.type` still narrows.
 */
export function parseRealtimeServerEvent(text: string): ParsedRealtimeServerEvent {
  const json = safeJson(text);
  if (!json.ok) return json;
  const head = z.looseObject({ type: z.string() }).safeParse(json.value);
  if (!head.success) return { ok: false, reason: "event has no string `type`" };
  if (!KNOWN_SERVER_EVENT_TYPES.has(head.data.type)) {
    return { ok: true, known: false, event: { type: head.data.type } };
  }
  const parsed = RealtimeServerEvent.safeParse(json.value);
  if (parsed.success) return { ok: true, known: true, event: parsed.data };
  return { ok: false, reason: describeIssues(head.data.type, parsed.error) };
}

// ---- client events ----

export const RealtimeAudioFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("audio/pcmu") }),
  z.object({ type: z.literal("audio/pcma") }),
  z.object({ type: z.literal("audio/pcm"), rate: z.literal(24000).optional() }),
]);
export type RealtimeAudioFormat = z.infer<typeof RealtimeAudioFormat>;

export const TurnDetection = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("server_vad"),
    threshold: z.number().optional(),
    prefix_padding_ms: z.number().optional(),
    silence_duration_ms: z.number().optional(),
    idle_timeout_ms: z.number().nullable().optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("semantic_vad"),
    eagerness: z.enum(["low", "medium", "high", "auto"]).optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
]);
export type TurnDetection = z.infer<typeof TurnDetection>;

export const RealtimeFunctionTool = z.object({
  type: z.literal("function"),
  name: z.string(),
  description: z.string(),
  /** JSON Schema of the arguments. */
  parameters: z.record(z.string(), z.unknown()),
});
export type RealtimeFunctionTool = z.infer<typeof RealtimeFunctionTool>;

export const RealtimeSessionConfig = z.object({
  type: z.literal("realtime"),
  instructions: z.string().optional(),
  output_modalities: z.array(z.enum(["audio", "text"])).optional(),
  audio: z
    .object({
      input: z
        .object({
          format: RealtimeAudioFormat.optional(),
          transcription: z.object({ model: z.string() }).nullable().optional(),
          turn_detection: TurnDetection.nullable().optional(),
        })
        .optional(),
      output: z
        .object({ format: RealtimeAudioFormat.optional(), voice: z.string().optional() })
        .optional(),
    })
    .optional(),
  tools: z.array(RealtimeFunctionTool).optional(),
  tool_choice: z.string().optional(),
});
export type RealtimeSessionConfig = z.infer<typeof RealtimeSessionConfig>;

export const SessionUpdateEvent = z.object({
  type: z.literal("session.update"),
  event_id: z.string().optional(),
  session: RealtimeSessionConfig,
});
export type SessionUpdateEvent = z.infer<typeof SessionUpdateEvent>;

export const InputAudioAppendEvent = z.object({
  type: z.literal("input_audio_buffer.append"),
  event_id: z.string().optional(),
  audio: Base64,
});
export type InputAudioAppendEvent = z.infer<typeof InputAudioAppendEvent>;

export const InputAudioCommitEvent = z.object({
  type: z.literal("input_audio_buffer.commit"),
  event_id: z.string().optional(),
});
export const InputAudioClearEvent = z.object({
  type: z.literal("input_audio_buffer.clear"),
  event_id: z.string().optional(),
});

export const ResponseCreateEvent = z.object({
  type: z.literal("response.create"),
  event_id: z.string().optional(),
  response: z.object({ instructions: z.string().optional() }).optional(),
});
export type ResponseCreateEvent = z.infer<typeof ResponseCreateEvent>;

export const ResponseCancelEvent = z.object({
  type: z.literal("response.cancel"),
  event_id: z.string().optional(),
  response_id: z.string().optional(),
});
export type ResponseCancelEvent = z.infer<typeof ResponseCancelEvent>;

export const ClientMessageItem = z.discriminatedUnion("role", [
  z.object({
    type: z.literal("message"),
    role: z.literal("user"),
    content: z.array(z.object({ type: z.literal("input_text"), text: z.string() })),
  }),
  z.object({
    type: z.literal("message"),
    role: z.literal("assistant"),
    content: z.array(z.object({ type: z.literal("output_text"), text: z.string() })),
  }),
  z.object({
    type: z.literal("message"),
    role: z.literal("system"),
    content: z.array(z.object({ type: z.literal("input_text"), text: z.string() })),
  }),
]);
export const FunctionCallOutputItem = z.object({
  type: z.literal("function_call_output"),
  call_id: z.string(),
  output: z.string(),
});

export const ConversationItemCreateEvent = z.object({
  type: z.literal("conversation.item.create"),
  event_id: z.string().optional(),
  previous_item_id: z.string().nullable().optional(),
  item: z.union([ClientMessageItem, FunctionCallOutputItem]),
});
export type ConversationItemCreateEvent = z.infer<typeof ConversationItemCreateEvent>;

export const ConversationItemTruncateEvent = z.object({
  type: z.literal("conversation.item.truncate"),
  event_id: z.string().optional(),
  item_id: z.string(),
  content_index: z.number().int().nonnegative(),
  audio_end_ms: z.number().int().nonnegative(),
});
export type ConversationItemTruncateEvent = z.infer<typeof ConversationItemTruncateEvent>;

export const ConversationItemDeleteEvent = z.object({
  type: z.literal("conversation.item.delete"),
  event_id: z.string().optional(),
  item_id: z.string(),
});

/** Everything a client may send (the Realtime simulator validates what it receives with this). */
export const RealtimeClientEvent = z.discriminatedUnion("type", [
  SessionUpdateEvent,
  InputAudioAppendEvent,
  InputAudioCommitEvent,
  InputAudioClearEvent,
  ResponseCreateEvent,
  ResponseCancelEvent,
  ConversationItemCreateEvent,
  ConversationItemTruncateEvent,
  ConversationItemDeleteEvent,
]);
export type RealtimeClientEvent = z.infer<typeof RealtimeClientEvent>;

export type ParsedRealtimeClientEvent =
  { ok: true; event: RealtimeClientEvent } | { ok: false; type: string | null; reason: string };

/** Parses one client frame. Never throws. `type` is returned on failure for error replies. */
export function parseRealtimeClientEvent(text: string): ParsedRealtimeClientEvent {
  const json = safeJson(text);
  if (!json.ok) return { ok: false, type: null, reason: json.reason };
  const head = z.looseObject({ type: z.string() }).safeParse(json.value);
  if (!head.success) return { ok: false, type: null, reason: "event has no string `type`" };
  const parsed = RealtimeClientEvent.safeParse(json.value);
  if (parsed.success) return { ok: true, event: parsed.data };
  return { ok: false, type: head.data.type, reason: describeIssues(head.data.type, parsed.error) };
}

// ---- client event builders ----

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface SessionUpdateOptions {
  instructions: string;
  voice: string;
  tools: readonly ToolDefinition[];
  /** Caller-side transcripts; omitted means the session keeps its current setting. */
  inputTranscriptionModel?: string;
  /** Defaults to server VAD, which creates responses and interrupts them on barge-in. */
  turnDetection?: TurnDetection | null;
}

/** The GA `session.update`: μ-law in and out, audio only, our tools, model picks tools. */
export function sessionUpdate(options: SessionUpdateOptions): SessionUpdateEvent {
  return {
    type: "session.update",
    session: {
      type: "realtime",
      instructions: options.instructions,
      output_modalities: ["audio"],
      audio: {
        input: {
          format: { type: "audio/pcmu" },
          ...(options.inputTranscriptionModel === undefined
            ? {}
            : { transcription: { model: options.inputTranscriptionModel } }),
          turn_detection:
            options.turnDetection === undefined ? { type: "server_vad" } : options.turnDetection,
        },
        output: { format: { type: "audio/pcmu" }, voice: options.voice },
      },
      tools: options.tools.map((t) => ({
        type: "function" as const,
        name: t.name,
        description: t.description,
        parameters: t.parameters,
      })),
      tool_choice: "auto",
    },
  };
}

export function inputAudioAppend(base64: string): InputAudioAppendEvent {
  return { type: "input_audio_buffer.append", audio: base64 };
}

export function responseCreate(instructions?: string): ResponseCreateEvent {
  return instructions === undefined
    ? { type: "response.create" }
    : { type: "response.create", response: { instructions } };
}

/** Restores one turn of history: users speak `input_text`, the assistant `output_text`. */
export function conversationItemCreateMessage(
  role: "user" | "assistant",
  text: string,
): ConversationItemCreateEvent {
  return {
    type: "conversation.item.create",
    item:
      role === "user"
        ? { type: "message", role: "user", content: [{ type: "input_text", text }] }
        : { type: "message", role: "assistant", content: [{ type: "output_text", text }] },
  };
}

export function functionCallOutput(callId: string, output: string): ConversationItemCreateEvent {
  return {
    type: "conversation.item.create",
    item: { type: "function_call_output", call_id: callId, output },
  };
}

/** Cuts the model's item at what the caller actually heard, so its memory matches the call. */
export function conversationItemTruncate(
  itemId: string,
  contentIndex: number,
  audioEndMs: number,
): ConversationItemTruncateEvent {
  return {
    type: "conversation.item.truncate",
    item_id: itemId,
    content_index: contentIndex,
    audio_end_ms: Math.max(0, Math.floor(audioEndMs)),
  };
}

export function responseCancel(): ResponseCancelEvent {
  return { type: "response.cancel" };
}
