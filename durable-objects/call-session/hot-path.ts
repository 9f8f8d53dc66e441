/**
 * The per-frame path, without zod. Nearly every message of a call is a caller `media` frame
 * (50 a second) or a model audio delta; running each through the full zod union (a schema built
 * per message for the head, a discriminated union, several regexes) was most of the relay's CPU.
 * These readers check exactly what the schemas check for those messages — same required fields,
 * same types, same patterns, unknown keys ignored — and return null for anything else, or for
 * anything off, so the schema then decides and names the reason. Behaviour is unchanged.
 */
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

/** A Twilio `media` frame as TwilioMediaMessage accepts it: its track and payload. */
export interface MediaFrame {
  track: "inbound" | "outbound";
  payload: string;
}

/** A parsed Twilio message that is a valid `media` frame, else null (use the schema). */
export function readMediaFrame(message: unknown): MediaFrame | null {
  const m = object(message);
  if (!m || m["event"] !== "media") return null;
  if (!decimal(m["sequenceNumber"]) || !sid(m["streamSid"])) return null;
  const media = object(m["media"]);
  if (!media) return null;
  const track = media["track"];
  if (track !== "inbound" && track !== "outbound") return null;
  if (!decimal(media["chunk"]) || !decimal(media["timestamp"])) return null;
  const payload = media["payload"];
  if (typeof payload !== "string" || !BASE64.test(payload)) return null;
  return { track, payload };
}

/** A parsed Twilio message that is a valid `mark` echo: the mark's name, else null. */
export function readMarkName(message: unknown): string | null {
  const m = object(message);
  if (!m || m["event"] !== "mark") return null;
  if (!decimal(m["sequenceNumber"]) || !sid(m["streamSid"])) return null;
  const name = object(m["mark"])?.["name"];
  return typeof name === "string" ? name : null;
}

/** A parsed Realtime server event that is a valid `response.output_audio.delta`, else null. */
export function readAudioDelta(event: unknown): OutputAudioDeltaEvent | null {
  const e = object(event);
  if (!e || e["type"] !== "response.output_audio.delta") return null;
  const eventId = e["event_id"];
  const responseId = e["response_id"];
  const itemId = e["item_id"];
  const outputIndex = e["output_index"];
  const contentIndex = e["content_index"];
  const delta = e["delta"];
  if (eventId !== undefined && typeof eventId !== "string") return null;
  if (typeof responseId !== "string" || typeof itemId !== "string") return null;
  if (!finite(outputIndex) || !finite(contentIndex)) return null;
  if (typeof delta !== "string" || !BASE64.test(delta)) return null;
  return {
    type: "response.output_audio.delta",
    ...(eventId === undefined ? {} : { event_id: eventId }),
    response_id: responseId,
    item_id: itemId,
    output_index: outputIndex,
    content_index: contentIndex,
    delta,
  };
}

/**
 * A valid `response.output_audio_transcript.delta` (the call ignores it; it only has to be
 * well-formed, or it is logged as skipped like any malformed event).
 */
export function isTranscriptDelta(event: unknown): boolean {
  const e = object(event);
  if (!e || e["type"] !== "response.output_audio_transcript.delta") return false;
  const eventId = e["event_id"];
  if (eventId !== undefined && typeof eventId !== "string") return false;
  return (
    typeof e["response_id"] === "string" &&
    typeof e["item_id"] === "string" &&
    finite(e["output_index"]) &&
    finite(e["content_index"]) &&
    typeof e["delta"] === "string"
  );
}

/** zod's z.number() accepts finite numbers only. */
function finite(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** The JSON text of an `input_audio_buffer.append` (payload already checked as base64). */
export function appendText(payload: string): string {
  return `{"type":"input_audio_buffer.append","audio":"${payload}"}`;
}
