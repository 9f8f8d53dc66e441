/**
 * Twilio Media Streams wire protocol (bidirectional `<Connect><Stream>`), as zod schemas.
 *
 * Protocol note (https://www.twilio.com/docs/voice/media-streams/websocket-messages):
 * - Twilio → us, JSON text frames discriminated by `event`: `connected` (first, no sequence
 *   number), `start` (once; stream metadata and the `<Parameter>`s as `customParameters`),
 *   `media` (20 ms of 8 kHz mono μ-law, base64), `dtmf`, `mark` (echo of a mark we sent, once
 *   the audio queued before it has played or was cleared), `stop` (last message).
 *   Every message after `connected` carries `sequenceNumber` (a string counting up from "1")
 *   and `streamSid`.
 * - us → Twilio: `media` (audio to play), `mark` (ask to be told when playout reaches here),
 *   `clear` (drop everything buffered; pending marks are echoed back at once).
 *
 * Two schemas per message: the documented shape, and the part of it the relay reads. A message
 * is accepted when the part it reads is valid; anything else that differs from the documentation
 * comes back as `drift` (field paths) for a log line, so a field we never use can never silence a
 * call. Schemas strip unknown keys: we only hand on what we understood. Unknown events are
 * rejected with a reason rather than thrown, so one odd frame never takes a call down.
 */
import { z } from "zod";
import { NO_DRIFT, describeIssues, driftFrom, safeJson } from "./parse";

const SequenceNumber = z.string().regex(/^\d+$/, "sequenceNumber must be a decimal string");
const Sid = z.string().min(1).max(64);
/** Base64 of raw μ-law bytes, no headers. */
const Base64Audio = z.base64();

// ---- Twilio → us, as documented ----
// The sample messages of the docs, field for field. The simulators send these; the relay checks
// them only to report drift (a field missing or changed), never to drop a message.

export const DocumentedTwilioConnectedMessage = z.object({
  event: z.literal("connected"),
  protocol: z.string(),
  version: z.string(),
});
export type DocumentedTwilioConnectedMessage = z.infer<typeof DocumentedTwilioConnectedMessage>;

/** The only format Twilio streams in (the relay passes μ-law through untouched). */
export const TwilioMediaFormat = z.object({
  encoding: z.literal("audio/x-mulaw"),
  sampleRate: z.literal(8000),
  channels: z.literal(1),
});
export type TwilioMediaFormat = z.infer<typeof TwilioMediaFormat>;

export const TwilioTrack = z.enum(["inbound", "outbound"]);
export type TwilioTrack = z.infer<typeof TwilioTrack>;

/** Twilio omits nothing here in practice, but an absent object means "no parameters". */
const CustomParameters = z.record(z.string(), z.string()).default({});

export const DocumentedTwilioStartMessage = z.object({
  event: z.literal("start"),
  sequenceNumber: SequenceNumber,
  streamSid: Sid,
  start: z.object({
    streamSid: Sid,
    accountSid: Sid,
    callSid: Sid,
    tracks: z.array(TwilioTrack),
    customParameters: CustomParameters,
    mediaFormat: TwilioMediaFormat,
  }),
});
export type DocumentedTwilioStartMessage = z.infer<typeof DocumentedTwilioStartMessage>;

export const DocumentedTwilioMediaMessage = z.object({
  event: z.literal("media"),
  sequenceNumber: SequenceNumber,
  streamSid: Sid,
  media: z.object({
    track: TwilioTrack,
    chunk: SequenceNumber,
    timestamp: SequenceNumber,
    payload: Base64Audio,
  }),
});
export type DocumentedTwilioMediaMessage = z.infer<typeof DocumentedTwilioMediaMessage>;

export const DocumentedTwilioMarkMessage = z.object({
  event: z.literal("mark"),
  sequenceNumber: SequenceNumber,
  streamSid: Sid,
  mark: z.object({ name: z.string() }),
});
export type DocumentedTwilioMarkMessage = z.infer<typeof DocumentedTwilioMarkMessage>;

const DtmfDigit = z.string().regex(/^[0-9*#A-D]$/, "dtmf digit must be one key");

export const DocumentedTwilioDtmfMessage = z.object({
  event: z.literal("dtmf"),
  sequenceNumber: SequenceNumber,
  streamSid: Sid,
  dtmf: z.object({ track: z.string(), digit: DtmfDigit }),
});
export type DocumentedTwilioDtmfMessage = z.infer<typeof DocumentedTwilioDtmfMessage>;

export const DocumentedTwilioStopMessage = z.object({
  event: z.literal("stop"),
  sequenceNumber: SequenceNumber,
  streamSid: Sid,
  stop: z.object({ accountSid: Sid, callSid: Sid }),
});
export type DocumentedTwilioStopMessage = z.infer<typeof DocumentedTwilioStopMessage>;

/**
 * Everything Twilio sends, as documented: the one definition the caller simulator builds and the
 * benchmarks type their frames with, so a changed field fails tsc there too.
 */
export type DocumentedTwilioInboundMessage =
  | DocumentedTwilioConnectedMessage
  | DocumentedTwilioStartMessage
  | DocumentedTwilioMediaMessage
  | DocumentedTwilioMarkMessage
  | DocumentedTwilioDtmfMessage
  | DocumentedTwilioStopMessage;

const DOCUMENTED_INBOUND: Readonly<Record<string, z.ZodType>> = {
  connected: DocumentedTwilioConnectedMessage,
  start: DocumentedTwilioStartMessage,
  media: DocumentedTwilioMediaMessage,
  mark: DocumentedTwilioMarkMessage,
  dtmf: DocumentedTwilioDtmfMessage,
  stop: DocumentedTwilioStopMessage,
};

// ---- Twilio → us, as the relay reads it ----
// Only the fields the call uses are required (and checked: a payload is spliced into JSON text
// unescaped, so it must be base64). A field we never read that is missing or changed is drift,
// reported once, not a reason to drop the caller's audio or their hang-up.

export const TwilioConnectedMessage = DocumentedTwilioConnectedMessage.pick({ event: true });
export type TwilioConnectedMessage = z.infer<typeof TwilioConnectedMessage>;

/**
 * streamSid addresses our audio; callSid and the token parameter are checked (stream-start.ts).
 * The media format is relied on rather than read: audio passes through as μ-law, so a start that
 * states another format is refused, while one that states none is only drift.
 */
export const TwilioStartMessage = z.object({
  event: z.literal("start"),
  streamSid: Sid,
  start: z.object({
    callSid: Sid,
    customParameters: CustomParameters,
    mediaFormat: TwilioMediaFormat.optional(),
  }),
});
export type TwilioStartMessage = z.infer<typeof TwilioStartMessage>;

/** The caller's audio: only the inbound track is relayed. */
export const TwilioMediaMessage = z.object({
  event: z.literal("media"),
  media: z.object({ track: TwilioTrack, payload: Base64Audio }),
});
export type TwilioMediaMessage = z.infer<typeof TwilioMediaMessage>;

export const TwilioMarkMessage = DocumentedTwilioMarkMessage.pick({ event: true, mark: true });
export type TwilioMarkMessage = z.infer<typeof TwilioMarkMessage>;

export const TwilioDtmfMessage = z.object({
  event: z.literal("dtmf"),
  dtmf: z.object({ digit: DtmfDigit }),
});
export type TwilioDtmfMessage = z.infer<typeof TwilioDtmfMessage>;

/** A stop needs nothing but itself: the call's ids are known from the stream. */
export const TwilioStopMessage = DocumentedTwilioStopMessage.pick({ event: true });
export type TwilioStopMessage = z.infer<typeof TwilioStopMessage>;

/** Everything Twilio sends us, as the relay reads it. */
export const TwilioInboundMessage = z.discriminatedUnion("event", [
  TwilioConnectedMessage,
  TwilioStartMessage,
  TwilioMediaMessage,
  TwilioMarkMessage,
  TwilioDtmfMessage,
  TwilioStopMessage,
]);
export type TwilioInboundMessage = z.infer<typeof TwilioInboundMessage>;

// ---- us → Twilio ----

export const TwilioOutboundMedia = z.object({
  event: z.literal("media"),
  streamSid: Sid,
  media: z.object({ payload: Base64Audio }),
});
export type TwilioOutboundMedia = z.infer<typeof TwilioOutboundMedia>;

export const TwilioOutboundMark = z.object({
  event: z.literal("mark"),
  streamSid: Sid,
  mark: z.object({ name: z.string() }),
});
export type TwilioOutboundMark = z.infer<typeof TwilioOutboundMark>;

export const TwilioOutboundClear = z.object({
  event: z.literal("clear"),
  streamSid: Sid,
});
export type TwilioOutboundClear = z.infer<typeof TwilioOutboundClear>;

/** Everything we may send Twilio (the caller simulator validates what it receives with this). */
export const TwilioOutboundMessage = z.discriminatedUnion("event", [
  TwilioOutboundMedia,
  TwilioOutboundMark,
  TwilioOutboundClear,
]);
export type TwilioOutboundMessage = z.infer<typeof TwilioOutboundMessage>;

export function twilioMedia(streamSid: string, payloadBase64: string): TwilioOutboundMedia {
  return { event: "media", streamSid, media: { payload: payloadBase64 } };
}

export function twilioMark(streamSid: string, name: string): TwilioOutboundMark {
  return { event: "mark", streamSid, mark: { name } };
}

export function twilioClear(streamSid: string): TwilioOutboundClear {
  return { event: "clear", streamSid };
}

// ---- parsing ----

export type ParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

/** A message as read, and the fields in which it strays from the documented shape. */
export type InboundParseResult =
  | { ok: true; message: TwilioInboundMessage; drift: readonly string[] }
  | { ok: false; reason: string };

/**
 * Parses one text frame from Twilio. Never throws. Reasons name the event and the failing field
 * but never echo the payload (it may hold audio or a caller's parameters).
 */
export function parseTwilioMessage(text: string): InboundParseResult {
  const json = safeJson(text);
  if (!json.ok) return json;
  const head = z.object({ event: z.string() }).safeParse(json.value);
  if (!head.success) return { ok: false, reason: "message has no string `event`" };
  const parsed = TwilioInboundMessage.safeParse(json.value);
  if (!parsed.success) return { ok: false, reason: describeIssues(head.data.event, parsed.error) };
  const documented = DOCUMENTED_INBOUND[head.data.event];
  const drift = documented ? driftFrom(documented, json.value) : NO_DRIFT;
  return { ok: true, message: parsed.data, drift };
}

/** Parses one text frame sent to Twilio (used by the caller simulator). Never throws. */
export function parseTwilioOutboundMessage(text: string): ParseResult<TwilioOutboundMessage> {
  const json = safeJson(text);
  if (!json.ok) return json;
  const head = z.object({ event: z.string() }).safeParse(json.value);
  if (!head.success) return { ok: false, reason: "message has no string `event`" };
  const parsed = TwilioOutboundMessage.safeParse(json.value);
  if (parsed.success) return { ok: true, message: parsed.data };
  return { ok: false, reason: describeIssues(head.data.event, parsed.error) };
}
