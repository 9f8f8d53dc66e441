/**
 * The zod-free per-frame readers (hot-path.ts) and the schemas must give the same verdict on
 * every message: accepted or not, and the same drift from the documented shape.
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

const STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
const media = {
  event: "media",
  sequenceNumber: "3",
  streamSid: STREAM,
  media: { track: "inbound", chunk: "1", timestamp: "5", payload: "no+JhoaJjpz/" },
};
const mark = { event: "mark", sequenceNumber: "4", streamSid: STREAM, mark: { name: "m1" } };
const part = {
  event_id: "event_1",
  response_id: "resp_1",
  item_id: "item_1",
  output_index: 0,
  content_index: 0,
};
const audioDelta = { type: "response.output_audio.delta", ...part, delta: "//7+" };
const transcriptDelta = { type: "response.output_audio_transcript.delta", ...part, delta: "Hi" };

type Verdict = { ok: false } | { ok: true; drift: string[] };

function sorted(drift: readonly string[]): string[] {
  return [...drift].sort();
}

function twilioVerdict(message: unknown): Verdict {
  const parsed = parseTwilioMessage(JSON.stringify(message));
  return parsed.ok ? { ok: true, drift: sorted(parsed.drift) } : { ok: false };
}

function realtimeVerdict(event: unknown): Verdict {
  const parsed = parseRealtimeServerEvent(JSON.stringify(event));
  if (!parsed.ok) return { ok: false };
  return { ok: true, drift: parsed.known ? sorted(parsed.drift) : [] };
}

function hot<T extends { drift: readonly string[] }>(read: T | null): Verdict {
  return read ? { ok: true, drift: sorted(read.drift) } : { ok: false };
}

function patched(base: Record<string, unknown>, patch: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete out[key];
    else out[key] = value;
  }
  return out;
}

const mediaCases: [string, Record<string, unknown>][] = [
  ["as documented", {}],
  ["without sequenceNumber", { sequenceNumber: undefined }],
  ["with a numeric sequenceNumber", { sequenceNumber: 3 }],
  ["without streamSid", { streamSid: undefined }],
  ["with an over-long streamSid", { streamSid: "M".repeat(65) }],
  ["with an empty streamSid", { streamSid: "" }],
  ["without chunk", { media: { ...media.media, chunk: undefined } }],
  ["with a non-decimal timestamp", { media: { ...media.media, timestamp: "5.5" } }],
  [
    "with every unread field off",
    { sequenceNumber: null, streamSid: 7, media: { track: "inbound", payload: "AAAA" } },
  ],
  ["on the outbound track", { media: { ...media.media, track: "outbound" } }],
  ["with an unknown track", { media: { ...media.media, track: "both" } }],
  ["without a track", { media: { ...media.media, track: undefined } }],
  ["with a payload that is not base64", { media: { ...media.media, payload: "%%%" } }],
  ["with unpadded base64", { media: { ...media.media, payload: "AAA" } }],
  ["with an empty payload", { media: { ...media.media, payload: "" } }],
  ["with a numeric payload", { media: { ...media.media, payload: 1 } }],
  ["without media", { media: undefined }],
  ["with media as an array", { media: [] }],
  ["with extra fields", { extra: true, media: { ...media.media, more: 1 } }],
];

const markCases: [string, Record<string, unknown>][] = [
  ["as documented", {}],
  ["without sequenceNumber", { sequenceNumber: undefined }],
  ["without streamSid", { streamSid: undefined }],
  ["with an empty name", { mark: { name: "" } }],
  ["with a numeric name", { mark: { name: 1 } }],
  ["without mark", { mark: undefined }],
];

const audioCases: [string, Record<string, unknown>][] = [
  ["as documented", {}],
  ["without event_id", { event_id: undefined }],
  ["with a numeric event_id", { event_id: 1 }],
  ["without response_id", { response_id: undefined }],
  ["without output_index", { output_index: undefined }],
  ["with a string output_index", { output_index: "0" }],
  ["without item_id", { item_id: undefined }],
  ["without content_index", { content_index: undefined }],
  ["with a string content_index", { content_index: "0" }],
  ["with a delta that is not base64", { delta: "***" }],
  ["without delta", { delta: undefined }],
];

const transcriptCases: [string, Record<string, unknown>][] = [
  ["as documented", {}],
  ["without response_id", { response_id: undefined }],
  ["without item_id", { item_id: undefined }],
  ["with a numeric delta", { delta: 1 }],
  [
    "with nothing but its type",
    { ...Object.fromEntries(Object.keys(part).map((k) => [k, undefined])), delta: undefined },
  ],
];

describe("hot path and schemas agree", () => {
  it.each(mediaCases)("on a Twilio media frame %s", (_name, patch) => {
    const message = patched(media, patch);
    const json = parseOrUndefined(JSON.stringify(message));
    expect(hot(readMediaFrame(json))).toEqual(twilioVerdict(message));
  });

  it.each(markCases)("on a Twilio mark echo %s", (_name, patch) => {
    const message = patched(mark, patch);
    const json = parseOrUndefined(JSON.stringify(message));
    expect(hot(readMarkEcho(json))).toEqual(twilioVerdict(message));
  });

  it.each(audioCases)("on a Realtime audio delta %s", (_name, patch) => {
    const event = patched(audioDelta, patch);
    const json = parseOrUndefined(JSON.stringify(event));
    expect(hot(readAudioDelta(json))).toEqual(realtimeVerdict(event));
  });

  it.each(transcriptCases)("on a Realtime transcript delta %s", (_name, patch) => {
    const event = patched(transcriptDelta, patch);
    const drift = transcriptDeltaDrift(parseOrUndefined(JSON.stringify(event)));
    expect(drift === null ? { ok: false } : { ok: true, drift: sorted(drift) }).toEqual(
      realtimeVerdict(event),
    );
  });

  it("leaves every other message to the schema", () => {
    for (const other of [{ event: "stop" }, { type: "response.done" }, null, "media", [media]]) {
      expect(readMediaFrame(other)).toBeNull();
      expect(readMarkEcho(other)).toBeNull();
      expect(readAudioDelta(other)).toBeNull();
      expect(transcriptDeltaDrift(other)).toBeNull();
    }
  });
});
