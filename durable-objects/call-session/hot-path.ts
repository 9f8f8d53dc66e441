/**
 * The per-frame path, without zod. Nearly every message of a call is a caller `media` frame
 * (50 a second) or a model audio delta; running each through the full zod union (a schema built
 * per message for the head, a discriminated union, several regexes) was most of the relay's CPU.
 * These readers check exactly what the schemas check for those messages — the same fields read
 * (same types, same patterns, unknown keys ignored), and the same drift from the documented
 * shape in the fields not read — and return null for anything else, or for anything off in a
 * field the call reads, so the schema then decides and names the reason.
 * test/calls/hot-path.test.ts holds both to the same verdicts.
 */
import { NO_DRIFT } from "./protocol/parse";
import type { OutputAudioDeltaEvent } from "./protocol/realtime.schema";

/** What `z.base64()` accepts (zod 4): padded standard base64, the empty string included. */
const BASE64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const DECIMAL = /^\d+$/;

type Json = Record<string, unknown>;

/** JSON.parse that returns undefined for bad JSON (the schema path then reports it). */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function object(value: unknown): Json | null {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Json)
    : null;
}

function sid(value: unknown): value is string {
  return typeof value === "string" && value.length >= 1 && value.length <= 64;
}

function decimal(value: unknown): value is string {
  return typeof value === "string" && DECIMAL.test(value);
}

/**
 * A Twilio `media` frame as TwilioMediaMessage reads it (track and payload), and its drift from
 * DocumentedTwilioMediaMessage (the fields parseTwilioMessage would report).
 */
export interface MediaFrame {
  track: "inbound" | "outbound";
  payload: string;
  drift: readonly string[];
}

/** A parsed Twilio message that is a valid `media` frame, else null (use the schema). */
export function readMediaFrame(message: unknown): MediaFrame | null {
  const m = object(message);
  if (!m || m["event"] !== "media") return null;
  const media = object(m["media"]);
  if (!media) return null;
  const track = media["track"];
  if (track !== "inbound" && track !== "outbound") return null;
  const payload = media["payload"];
  if (typeof payload !== "string" || !BASE64.test(payload)) return null;
  const sequenceNumber = m["sequenceNumber"];
  const streamSid = m["streamSid"];
  const chunk = media["chunk"];
  const timestamp = media["timestamp"];
  // Nearly every frame is as documented: one test, no allocation.
  if (decimal(sequenceNumber) && sid(streamSid) && decimal(chunk) && decimal(timestamp)) {
    return { track, payload, drift: NO_DRIFT };
  }
  const drift: string[] = [];
  if (!decimal(sequenceNumber)) drift.push("sequenceNumber");
  if (!sid(streamSid)) drift.push("streamSid");
  if (!decimal(chunk)) drift.push("media.chunk");
  if (!decimal(timestamp)) drift.push("media.timestamp");
  return { track, payload, drift };
}

/** A Twilio `mark` echo as TwilioMarkMessage reads it, and its drift from the documented shape. */
export interface MarkEcho {
  name: string;
  drift: readonly string[];
}

/** A parsed Twilio message that is a valid `mark` echo, else null (use the schema). */
export function readMarkEcho(message: unknown): MarkEcho | null {
  const m = object(message);
  if (!m || m["event"] !== "mark") return null;
  const name = object(m["mark"])?.["name"];
  if (typeof name !== "string") return null;
  const sequenceNumber = m["sequenceNumber"];
  const streamSid = m["streamSid"];
  if (decimal(sequenceNumber) && sid(streamSid)) return { name, drift: NO_DRIFT };
  const drift: string[] = [];
  if (!decimal(sequenceNumber)) drift.push("sequenceNumber");
  if (!sid(streamSid)) drift.push("streamSid");
  return { name, drift };
}

/** An audio delta as OutputAudioDeltaEvent reads it, and its drift from the documented shape. */
export interface AudioDelta {
  event: OutputAudioDeltaEvent;
  drift: readonly string[];
}

/** A parsed Realtime server event that is a valid `response.output_audio.delta`, else null. */
export function readAudioDelta(event: unknown): AudioDelta | null {
  const e = object(event);
  if (!e || e["type"] !== "response.output_audio.delta") return null;
  const itemId = e["item_id"];
  const contentIndex = e["content_index"];
  const delta = e["delta"];
  if (typeof itemId !== "string" || !finite(contentIndex)) return null;
  if (typeof delta !== "string" || !BASE64.test(delta)) return null;
  return {
    event: {
      type: "response.output_audio.delta",
      item_id: itemId,
      content_index: contentIndex,
      delta,
    },
    drift: driftIn(e, AUDIO_DELTA_UNREAD),
  };
}

/**
 * A `response.output_audio_transcript.delta`: the call reads nothing of it, so any event of that
 * type is valid. Returns its drift from the documented shape, or null for another type.
 */
export function transcriptDeltaDrift(event: unknown): readonly string[] | null {
  const e = object(event);
  if (!e || e["type"] !== "response.output_audio_transcript.delta") return null;
  return driftIn(e, TRANSCRIPT_DELTA_UNREAD);
}

type FieldCheck = readonly [field: string, valid: (value: unknown) => boolean];

/** Documented fields of an audio delta the call does not read (DocumentedOutputAudioDeltaEvent). */
const AUDIO_DELTA_UNREAD: readonly FieldCheck[] = [
  ["event_id", optionalString],
  ["response_id", string],
  ["output_index", finite],
];
/** A transcript delta: every documented field is unread. */
const TRANSCRIPT_DELTA_UNREAD: readonly FieldCheck[] = [
  ...AUDIO_DELTA_UNREAD,
  ["item_id", string],
  ["content_index", finite],
  ["delta", string],
];

function driftIn(e: Json, checks: readonly FieldCheck[]): readonly string[] {
  let drift: string[] | null = null;
  for (const [field, valid] of checks) if (!valid(e[field])) (drift ??= []).push(field);
  return drift ?? NO_DRIFT;
}

function string(value: unknown): boolean {
  return typeof value === "string";
}

function optionalString(value: unknown): boolean {
  return value === undefined || typeof value === "string";
}

/** zod's z.number() accepts finite numbers only. */
function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** The JSON text of an `input_audio_buffer.append` (payload already checked as base64). */
export function appendText(payload: string): string {
  return `{"type":"input_audio_buffer.append","audio":"${payload}"}`;
}
