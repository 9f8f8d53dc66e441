/**
 * The call object reads media frames, mark echoes and model audio deltas without zod
 * (durable-objects/call-session/hot-path.ts) and leaves everything else to the schemas. That is
 * only safe while the two agree: a frame the hot path takes must be one the schema takes, with
 * the same content, and a frame the schema takes should not fall off the fast path. These tests
 * feed both the same messages, valid and broken, and expect the same verdict, so a change to
 * either side that the other does not follow fails here.
 */
import { describe, expect, it } from "vitest";
import {
  isTranscriptDelta,
  parseOrUndefined,
  readAudioDelta,
  readMarkName,
  readMediaFrame,
} from "../../durable-objects/call-session/hot-path";
import {
  OutputAudioTranscriptDeltaEvent,
  RealtimeServerEvent,
} from "../../durable-objects/call-session/protocol/realtime.schema";
import { TwilioInboundMessage } from "../../durable-objects/call-session/protocol/twilio-media.schema";

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
const infinite = (type: string, delta: string): Case => ({
  name: "output_index too large for a double",
  text: `{"type":"${type}","response_id":"r","item_id":"i","output_index":1e400,"content_index":0,"delta":"${delta}"}`,
});

const audioDeltaCases = [
  ...variants(
    { type: "response.output_audio.delta", ...part, delta: "/////w==" },
    {
      type: ["response.output_audio.done", "response.audio.delta"],
      ...PART_ODDITIES,
      delta: BASE64_ODDITIES,
    },
  ),
  infinite("response.output_audio.delta", "AAAA"),
  ...NOT_OBJECTS,
];

const transcriptDeltaCases = [
  ...variants(
    { type: "response.output_audio_transcript.delta", ...part, delta: "Hello" },
    {
      type: ["response.output_audio.delta", "response.output_audio_transcript.done"],
      ...PART_ODDITIES,
      delta: ["", 1, null],
    },
  ),
  infinite("response.output_audio_transcript.delta", "Hi"),
  ...NOT_OBJECTS,
];

/** What the schema path makes of a Twilio frame, as the call would reach it. */
function twilioSchema(text: string) {
  const parsed = TwilioInboundMessage.safeParse(parseOrUndefined(text));
  return parsed.success ? parsed.data : null;
}

function realtimeSchema(text: string) {
  const parsed = RealtimeServerEvent.safeParse(parseOrUndefined(text));
  return parsed.success ? parsed.data : null;
}

/** Guards against a case list that stopped exercising one side. */
function expectBothVerdicts(verdicts: boolean[]): void {
  expect(verdicts).toContain(true);
  expect(verdicts).toContain(false);
}

describe("hot path and protocol schemas agree", () => {
  it.each(mediaCases)(
    "takes a Twilio media frame exactly when the schema does: $name",
    ({ text }) => {
      const fast = readMediaFrame(parseOrUndefined(text));
      const schema = twilioSchema(text);
      const expected =
        schema?.event === "media"
          ? { track: schema.media.track, payload: schema.media.payload }
          : null;
      expect(fast).toEqual(expected);
    },
  );

  it.each(markCases)("takes a Twilio mark echo exactly when the schema does: $name", ({ text }) => {
    const fast = readMarkName(parseOrUndefined(text));
    const schema = twilioSchema(text);
    expect(fast).toEqual(schema?.event === "mark" ? schema.mark.name : null);
  });

  it.each(audioDeltaCases)(
    "takes a model audio delta exactly when the schema does: $name",
    ({ text }) => {
      const fast = readAudioDelta(parseOrUndefined(text));
      const schema = realtimeSchema(text);
      expect(fast).toEqual(schema?.type === "response.output_audio.delta" ? schema : null);
    },
  );

  it.each(transcriptDeltaCases)(
    "passes over a model transcript delta exactly when the schema takes it: $name",
    ({ text }) => {
      const fast = isTranscriptDelta(parseOrUndefined(text));
      expect(fast).toBe(OutputAudioTranscriptDeltaEvent.safeParse(parseOrUndefined(text)).success);
    },
  );

  it("has valid and broken messages for every reader", () => {
    expectBothVerdicts(mediaCases.map(({ text }) => twilioSchema(text)?.event === "media"));
    expectBothVerdicts(markCases.map(({ text }) => twilioSchema(text)?.event === "mark"));
    expectBothVerdicts(
      audioDeltaCases.map(
        ({ text }) => realtimeSchema(text)?.type === "response.output_audio.delta",
      ),
    );
    expectBothVerdicts(
      transcriptDeltaCases.map(
        ({ text }) => OutputAudioTranscriptDeltaEvent.safeParse(parseOrUndefined(text)).success,
      ),
    );
  });
});
