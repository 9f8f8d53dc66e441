/**
 * The call object reads media frames, mark echoes and model audio/transcript deltas without zod
 * (durable-objects/call-session/hot-path.ts) and leaves everything else to the schemas. That is
 * only safe while the two agree: a message the hot path takes must be one the schema-side parse
 * (parseTwilioMessage, parseRealtimeServerEvent) takes, with the same content and the same drift
 * from the documented shape, and a message the schema takes must not fall off the fast path.
 * These tests feed both the same wire texts — the documented message, each field removed, each
 * field set to odd values — and expect the same verdict, so a change to either side that the
 * other does not follow fails here.
 */
import { describe, expect, it } from "vitest";
import {
  parseOrUndefined,
  readAudioDelta,
  readMarkEcho,
  readMediaFrame,
  transcriptDeltaDrift,
} from "../../durable-objects/call-session/hot-path";
import { parseRealtimeServerEvent } from "../../durable-objects/call-session/protocol/realtime.schema";
import { parseTwilioMessage } from "../../durable-objects/call-session/protocol/twilio-media.schema";

type Json = Record<string, unknown>;

/** A named wire text: both sides parse it from text, as the call does. */
interface Case {
  name: string;
  text: string;
}

const SID = "MZ18ad3ab5a668481ce02b83e7395059f0";

/** `base` with the value at `path` replaced (or removed, for `undefined`). */
function withField(base: Json, path: readonly string[], value: unknown): Json {
  const copy = structuredClone(base);
  let at: Json = copy;
  for (const key of path.slice(0, -1)) {
    const next = at[key];
    if (typeof next !== "object" || next === null) return copy;
    at = next as Json;
  }
  const last = path[path.length - 1];
  if (last === undefined) return copy;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** A value as a test name shows it: long strings by their length. */
function label(value: unknown): string {
  return typeof value === "string" && value.length > 16
    ? `a string of ${value.length}`
    : JSON.stringify(value);
}

/** The valid message, each field removed, and each field set to every odd value given. */
function variants(base: Json, odd: Record<string, readonly unknown[]>): Case[] {
  const cases: Case[] = [{ name: "as documented", text: JSON.stringify(base) }];
  cases.push({ name: "with a field we do not know", text: JSON.stringify({ ...base, extra: 1 }) });
  for (const [dotted, values] of Object.entries(odd)) {
    const path = dotted.split(".");
    cases.push({
      name: `without ${dotted}`,
      text: JSON.stringify(withField(base, path, undefined)),
    });
    for (const value of values) {
      cases.push({
        name: `${dotted} = ${label(value)}`,
        text: JSON.stringify(withField(base, path, value)),
      });
    }
  }
  return cases;
}

/** `base` with every listed field removed: a message that strays in several fields at once. */
function without(name: string, base: Json, paths: readonly string[]): Case {
  const stripped = paths.reduce(
    (message, dotted) => withField(message, dotted.split("."), undefined),
    base,
  );
  return { name, text: JSON.stringify(stripped) };
}

const NOT_OBJECTS: Case[] = [
  { name: "not JSON", text: "{" },
  { name: "null", text: "null" },
  { name: "an array", text: "[]" },
  { name: "a string", text: '"media"' },
];

const SEQUENCE_ODDITIES = ["", "1.5", "-1", " 1", "one", 1, null];
const SID_ODDITIES = ["", "x".repeat(64), "x".repeat(65), 7, null];
const BASE64_ODDITIES = [
  "",
  "AAAA",
  "AA==",
  "AAA=",
  "AA",
  "A===",
  "AA=A",
  "////",
  "-_-_",
  "AA AA",
  "AAAA\n",
  0,
];

const media: Json = {
  event: "media",
  sequenceNumber: "3",
  streamSid: SID,
  media: { track: "inbound", chunk: "1", timestamp: "5", payload: "/////w==" },
};
const mediaCases = [
  ...variants(media, {
    event: ["mark", "Media"],
    sequenceNumber: SEQUENCE_ODDITIES,
    streamSid: SID_ODDITIES,
    media: [null, [], "x"],
    "media.track": ["outbound", "both", "", null],
    "media.chunk": SEQUENCE_ODDITIES,
    "media.timestamp": SEQUENCE_ODDITIES,
    "media.payload": BASE64_ODDITIES,
  }),
  without("with every field it does not read missing", media, [
    "sequenceNumber",
    "streamSid",
    "media.chunk",
    "media.timestamp",
  ]),
  ...NOT_OBJECTS,
];

const mark: Json = {
  event: "mark",
  sequenceNumber: "4",
  streamSid: SID,
  mark: { name: "goodbye" },
};
const markCases = [
  ...variants(mark, {
    event: ["media", "stop"],
    sequenceNumber: SEQUENCE_ODDITIES,
    streamSid: SID_ODDITIES,
    mark: [null, [], "goodbye"],
    "mark.name": ["", 1, null],
  }),
  without("with every field it does not read missing", mark, ["sequenceNumber", "streamSid"]),
  ...NOT_OBJECTS,
];

const PART_ODDITIES = {
  event_id: ["", 1, null],
  response_id: ["", 1, null],
  item_id: ["", 1, null],
  output_index: [0, -1, 1.5, "0", null],
  content_index: [0, -1, 1.5, "0", null],
};
const part: Json = {
  event_id: "event_1",
  response_id: "resp_1",
  item_id: "item_1",
  output_index: 0,
  content_index: 0,
};
// JSON.parse reads 1e400 as Infinity, which z.number() refuses: only text can carry it.
function infinite(type: string, field: "output_index" | "content_index", delta: string): Case {
  const text = JSON.stringify({ type, ...part, delta });
  return {
    name: `${field} too large for a double`,
    text: text.replace(`"${field}":0`, `"${field}":1e400`),
  };
}

const audioDelta: Json = { type: "response.output_audio.delta", ...part, delta: "/////w==" };
const audioDeltaCases = [
  ...variants(audioDelta, {
    type: ["response.output_audio.done", "response.audio.delta"],
    ...PART_ODDITIES,
    delta: BASE64_ODDITIES,
  }),
  infinite("response.output_audio.delta", "output_index", "AAAA"),
  infinite("response.output_audio.delta", "content_index", "AAAA"),
  without("with every field it does not read missing", audioDelta, [
    "event_id",
    "response_id",
    "output_index",
  ]),
  ...NOT_OBJECTS,
];

const transcriptDelta: Json = {
  type: "response.output_audio_transcript.delta",
  ...part,
  delta: "Hello",
};
const transcriptDeltaCases = [
  ...variants(transcriptDelta, {
    type: ["response.output_audio.delta", "response.output_audio_transcript.done"],
    ...PART_ODDITIES,
    delta: ["", 1, null],
  }),
  infinite("response.output_audio_transcript.delta", "output_index", "Hi"),
  infinite("response.output_audio_transcript.delta", "content_index", "Hi"),
  without("with nothing but its type", transcriptDelta, [...Object.keys(part), "delta"]),
  ...NOT_OBJECTS,
];

/** Drift as a set: the relay logs each field once, in no particular order. */
function sorted(drift: readonly string[]): string[] {
  return [...drift].sort();
}

/** A hot-path reading with its drift in comparable form. */
function hot<T extends { drift: readonly string[] }>(read: T | null): T | null {
  return read ? { ...read, drift: sorted(read.drift) } : null;
}

/** What the relay's schema-side parse makes of a Twilio frame. */
function twilioSchema(text: string) {
  const parsed = parseTwilioMessage(text);
  return parsed.ok ? { message: parsed.message, drift: sorted(parsed.drift) } : null;
}

/** What the relay's schema-side parse makes of a Realtime event it models (else null). */
function realtimeSchema(text: string) {
  const parsed = parseRealtimeServerEvent(text);
  return parsed.ok && parsed.known ? { event: parsed.event, drift: sorted(parsed.drift) } : null;
}

function schemaMediaFrame(text: string) {
  const schema = twilioSchema(text);
  if (schema?.message.event !== "media") return null;
  const { track, payload } = schema.message.media;
  return { track, payload, drift: schema.drift };
}

function schemaMarkEcho(text: string) {
  const schema = twilioSchema(text);
  return schema?.message.event === "mark"
    ? { name: schema.message.mark.name, drift: schema.drift }
    : null;
}

function schemaAudioDelta(text: string) {
  const schema = realtimeSchema(text);
  return schema?.event.type === "response.output_audio.delta"
    ? { event: schema.event, drift: schema.drift }
    : null;
}

function schemaTranscriptDrift(text: string): string[] | null {
  const schema = realtimeSchema(text);
  return schema?.event.type === "response.output_audio_transcript.delta" ? schema.drift : null;
}

function hotTranscriptDrift(text: string): string[] | null {
  const drift = transcriptDeltaDrift(parseOrUndefined(text));
  return drift ? sorted(drift) : null;
}

/** Guards against a case list that stopped exercising a verdict: refused, clean, drifting. */
function expectEveryVerdict(verdicts: ({ drift: readonly string[] } | null)[]): void {
  expect(verdicts.some((v) => v === null)).toBe(true);
  expect(verdicts.some((v) => v !== null && v.drift.length === 0)).toBe(true);
  expect(verdicts.some((v) => v !== null && v.drift.length > 0)).toBe(true);
}

describe("hot path and protocol schemas agree", () => {
  it.each(mediaCases)(
    "takes a Twilio media frame exactly when the schema does, with the same audio and drift: $name",
    ({ text }) => {
      expect(hot(readMediaFrame(parseOrUndefined(text)))).toEqual(schemaMediaFrame(text));
    },
  );

  it.each(markCases)(
    "takes a Twilio mark echo exactly when the schema does, with the same name and drift: $name",
    ({ text }) => {
      expect(hot(readMarkEcho(parseOrUndefined(text)))).toEqual(schemaMarkEcho(text));
    },
  );

  it.each(audioDeltaCases)(
    "takes a model audio delta exactly when the schema does, with the same event and drift: $name",
    ({ text }) => {
      expect(hot(readAudioDelta(parseOrUndefined(text)))).toEqual(schemaAudioDelta(text));
    },
  );

  it.each(transcriptDeltaCases)(
    "passes over a model transcript delta exactly when the schema takes it, with the same drift: $name",
    ({ text }) => {
      expect(hotTranscriptDrift(text)).toEqual(schemaTranscriptDrift(text));
    },
  );

  it("has refused, clean and drifting messages for every reader", () => {
    expectEveryVerdict(mediaCases.map(({ text }) => schemaMediaFrame(text)));
    expectEveryVerdict(markCases.map(({ text }) => schemaMarkEcho(text)));
    expectEveryVerdict(audioDeltaCases.map(({ text }) => schemaAudioDelta(text)));
    expectEveryVerdict(
      transcriptDeltaCases.map(({ text }) => {
        const drift = schemaTranscriptDrift(text);
        return drift ? { drift } : null;
      }),
    );
  });
});
