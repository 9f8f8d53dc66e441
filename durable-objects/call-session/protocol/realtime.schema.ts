/**
 * OpenAI Realtime API (GA) wire protocol, as zod schemas and typed client-event builders.
 *
 * Protocol note (https://platform.openai.com/docs/api-reference/realtime-server-events):
 * - One WebSocket per call; JSON text frames discriminated by `type`.
 * - GA names, not the beta ones: `response.output_audio.delta` (not `response.audio.delta`),
 *   `response.output_audio_transcript.*`, `session.type = "realtime"`, audio formats as
 *   `{ type: "audio/pcmu" }` under `session.audio.input|output.format`.
 * - We run G.711 μ-law both ways so Twilio's audio passes through untouched.
 * - The server adds event types over time. A known type must carry the fields the call reads;
 *   where it strays from the documented shape elsewhere that is drift, logged, not a dropped
 *   event. An unknown type parses as a generic `{ type }` so a new event can never crash a call.
 */
import { z } from "zod";
import { describeIssues, driftFrom, safeJson } from "./parse";

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

export const DocumentedRealtimeUsage = z.object({
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
export type DocumentedRealtimeUsage = z.infer<typeof DocumentedRealtimeUsage>;

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
  usage: DocumentedRealtimeUsage.nullable().optional(),
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

export const DocumentedSessionCreatedEvent = z.object({
  type: z.literal("session.created"),
  event_id: EventId,
  session: RealtimeSessionEcho,
});
export const DocumentedSessionUpdatedEvent = z.object({
  type: z.literal("session.updated"),
  event_id: EventId,
  session: RealtimeSessionEcho,
});
export const DocumentedErrorEvent = z.object({
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
export type DocumentedErrorEvent = z.infer<typeof DocumentedErrorEvent>;
export const DocumentedSpeechStartedEvent = z.object({
  type: z.literal("input_audio_buffer.speech_started"),
  event_id: EventId,
  audio_start_ms: z.number(),
  item_id: z.string(),
});
export const DocumentedSpeechStoppedEvent = z.object({
  type: z.literal("input_audio_buffer.speech_stopped"),
  event_id: EventId,
  audio_end_ms: z.number(),
  item_id: z.string(),
});
export const DocumentedInputAudioCommittedEvent = z.object({
  type: z.literal("input_audio_buffer.committed"),
  event_id: EventId,
  previous_item_id: z.string().nullable().optional(),
  item_id: z.string(),
});
export const DocumentedInputTranscriptionCompletedEvent = z.object({
  type: z.literal("conversation.item.input_audio_transcription.completed"),
  event_id: EventId,
  item_id: z.string(),
  content_index: z.number(),
  transcript: z.string(),
});
export const DocumentedResponseCreatedEvent = z.object({
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
export const DocumentedOutputAudioDeltaEvent = z.object({
  type: z.literal("response.output_audio.delta"),
  ...PartRef,
  delta: Base64,
});
export type DocumentedOutputAudioDeltaEvent = z.infer<typeof DocumentedOutputAudioDeltaEvent>;
export const DocumentedOutputAudioDoneEvent = z.object({
  type: z.literal("response.output_audio.done"),
  ...PartRef,
});
export const DocumentedOutputAudioTranscriptDeltaEvent = z.object({
  type: z.literal("response.output_audio_transcript.delta"),
  ...PartRef,
  delta: z.string(),
});
export const DocumentedOutputAudioTranscriptDoneEvent = z.object({
  type: z.literal("response.output_audio_transcript.done"),
  ...PartRef,
  transcript: z.string(),
});
export const DocumentedOutputItemAddedEvent = z.object({
  type: z.literal("response.output_item.added"),
  event_id: EventId,
  response_id: z.string(),
  output_index: z.number(),
  item: RealtimeItem,
});
export const DocumentedOutputItemDoneEvent = z.object({
  type: z.literal("response.output_item.done"),
  event_id: EventId,
  response_id: z.string(),
  output_index: z.number(),
  item: RealtimeItem,
});
export const DocumentedFunctionCallArgumentsDoneEvent = z.object({
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
export type DocumentedFunctionCallArgumentsDoneEvent = z.infer<
  typeof DocumentedFunctionCallArgumentsDoneEvent
>;
export const DocumentedResponseDoneEvent = z.object({
  type: z.literal("response.done"),
  event_id: EventId,
  response: RealtimeResponse,
});
export type DocumentedResponseDoneEvent = z.infer<typeof DocumentedResponseDoneEvent>;
const ItemEventFields = {
  event_id: EventId,
  previous_item_id: z.string().nullable().optional(),
  item: RealtimeItem,
};
export const DocumentedConversationItemCreatedEvent = z.object({
  type: z.literal("conversation.item.created"),
  ...ItemEventFields,
});
export const DocumentedConversationItemAddedEvent = z.object({
  type: z.literal("conversation.item.added"),
  ...ItemEventFields,
});
export const DocumentedConversationItemDoneEvent = z.object({
  type: z.literal("conversation.item.done"),
  ...ItemEventFields,
});
export const DocumentedConversationItemTruncatedEvent = z.object({
  type: z.literal("conversation.item.truncated"),
  event_id: EventId,
  item_id: z.string(),
  content_index: z.number(),
  audio_end_ms: z.number(),
});
export const DocumentedRateLimitsUpdatedEvent = z.object({
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

/** The documented server events we model, by type: checked only to report drift. */
const DOCUMENTED_SERVER_EVENTS = [
  DocumentedSessionCreatedEvent,
  DocumentedSessionUpdatedEvent,
  DocumentedErrorEvent,
  DocumentedSpeechStartedEvent,
  DocumentedSpeechStoppedEvent,
  DocumentedInputAudioCommittedEvent,
  DocumentedInputTranscriptionCompletedEvent,
  DocumentedResponseCreatedEvent,
  DocumentedOutputAudioDeltaEvent,
  DocumentedOutputAudioDoneEvent,
  DocumentedOutputAudioTranscriptDeltaEvent,
  DocumentedOutputAudioTranscriptDoneEvent,
  DocumentedOutputItemAddedEvent,
  DocumentedOutputItemDoneEvent,
  DocumentedFunctionCallArgumentsDoneEvent,
  DocumentedResponseDoneEvent,
  DocumentedConversationItemCreatedEvent,
  DocumentedConversationItemAddedEvent,
  DocumentedConversationItemDoneEvent,
  DocumentedConversationItemTruncatedEvent,
  DocumentedRateLimitsUpdatedEvent,
] as const;
const DOCUMENTED_BY_TYPE: ReadonlyMap<string, z.ZodType> = new Map(
  DOCUMENTED_SERVER_EVENTS.map((schema) => [schema.shape.type.value, schema]),
);
/** Every modelled server event as documented (the simulator's self-test holds it to this). */
export const DocumentedRealtimeServerEvent = z.discriminatedUnion("type", DOCUMENTED_SERVER_EVENTS);
export type DocumentedRealtimeServerEvent = z.infer<typeof DocumentedRealtimeServerEvent>;

// ---- server events, as the call reads them ----
// Only the fields the call uses are required. The rest of the documented shape is checked for
// drift and logged, never a reason to drop an event: an audio delta without `response_id` (which
// nothing reads) must still reach the caller. Unused fields are stripped.

/** Just the type: events the call acts on without reading anything else, or ignores. */
function typeOnly<T extends string>(type: T) {
  return z.object({ type: z.literal(type) });
}

/** Logged with the call's ids; every detail is optional, so an error is never lost. */
export const ErrorEvent = z.object({
  type: z.literal("error"),
  error: z
    .object({
      type: z.string().optional(),
      code: z.string().nullable().optional(),
      message: z.string().optional(),
    })
    .optional(),
});
export type ErrorEvent = z.infer<typeof ErrorEvent>;

export const InputTranscriptionCompletedEvent = DocumentedInputTranscriptionCompletedEvent.pick({
  type: true,
  transcript: true,
});
/** Where the audio goes (item and content part, for marks and barge-in) and the audio itself. */
export const OutputAudioDeltaEvent = DocumentedOutputAudioDeltaEvent.pick({
  type: true,
  item_id: true,
  content_index: true,
  delta: true,
});
export type OutputAudioDeltaEvent = z.infer<typeof OutputAudioDeltaEvent>;
export const OutputAudioDoneEvent = DocumentedOutputAudioDoneEvent.pick({
  type: true,
  item_id: true,
});
export const OutputAudioTranscriptDoneEvent = DocumentedOutputAudioTranscriptDoneEvent.pick({
  type: true,
  item_id: true,
  transcript: true,
});
export const FunctionCallArgumentsDoneEvent = DocumentedFunctionCallArgumentsDoneEvent.pick({
  type: true,
  call_id: true,
  name: true,
  arguments: true,
});
export type FunctionCallArgumentsDoneEvent = z.infer<typeof FunctionCallArgumentsDoneEvent>;

/** The token counts the call adds up. */
export const RealtimeUsage = DocumentedRealtimeUsage.pick({
  input_tokens: true,
  output_tokens: true,
});
export type RealtimeUsage = z.infer<typeof RealtimeUsage>;

/**
 * The end of a response frees the turn (and lets a pending hang-up happen), so it must never be
 * dropped: usage that is absent or malformed only means no token counts for that response.
 */
export const ResponseDoneEvent = z.object({
  type: z.literal("response.done"),
  response: z.object({ usage: RealtimeUsage.nullable().optional().catch(null) }).optional(),
});
export type ResponseDoneEvent = z.infer<typeof ResponseDoneEvent>;

/** The server events the call session acts on, as it reads them. */
export const RealtimeServerEvent = z.discriminatedUnion("type", [
  typeOnly("session.created"),
  typeOnly("session.updated"),
  ErrorEvent,
  typeOnly("input_audio_buffer.speech_started"),
  typeOnly("input_audio_buffer.speech_stopped"),
  typeOnly("input_audio_buffer.committed"),
  InputTranscriptionCompletedEvent,
  typeOnly("response.created"),
  OutputAudioDeltaEvent,
  OutputAudioDoneEvent,
  typeOnly("response.output_audio_transcript.delta"),
  OutputAudioTranscriptDoneEvent,
  typeOnly("response.output_item.added"),
  typeOnly("response.output_item.done"),
  FunctionCallArgumentsDoneEvent,
  ResponseDoneEvent,
  typeOnly("conversation.item.created"),
  typeOnly("conversation.item.added"),
  typeOnly("conversation.item.done"),
  typeOnly("conversation.item.truncated"),
  typeOnly("rate_limits.updated"),
]);
export type RealtimeServerEvent = z.infer<typeof RealtimeServerEvent>;
export type RealtimeServerEventType = RealtimeServerEvent["type"];

/** Any server event we do not model: only its type is trusted. */
export interface UnknownRealtimeServerEvent {
  type: string;
}

export type ParsedRealtimeServerEvent =
  | { ok: true; known: true; event: RealtimeServerEvent; drift: readonly string[] }
  | { ok: true; known: false; event: UnknownRealtimeServerEvent }
  | { ok: false; reason: string };

/**
 * Parses one server frame. Never throws. Two steps: read `type`; if it is one we model, the
 * fields the call reads must be valid (else a reason) and the rest is compared with the
 * documented shape (`drift`); otherwise it passes through as generic.
 * Kept as two result shapes (not one union with a `type: string` member) so a `switch` on
 * `event.type` still narrows.
 */
export function parseRealtimeServerEvent(text: string): ParsedRealtimeServerEvent {
  const json = safeJson(text);
  if (!json.ok) return json;
  const head = z.looseObject({ type: z.string() }).safeParse(json.value);
  if (!head.success) return { ok: false, reason: "event has no string `type`" };
  const documented = DOCUMENTED_BY_TYPE.get(head.data.type);
  if (!documented) return { ok: true, known: false, event: { type: head.data.type } };
  const parsed = RealtimeServerEvent.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: describeIssues(head.data.type, parsed.error) };
  return { ok: true, known: true, event: parsed.data, drift: driftFrom(documented, json.value) };
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
          transcription: z.object({ model: z.string() }).optional(),
          turn_detection: TurnDetection.nullable().optional(),
        })
        .optional(),
      output: z
        .object({ format: RealtimeAudioFormat.optional(), voice: z.string().optional() })
        .optional(),
    })
    .optional(),
  tools: z.array(RealtimeFunctionTool).optional(),
  tool_choice: z.enum(["none", "auto", "required"]).optional(),
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
  previous_item_id: z.string().optional(),
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
