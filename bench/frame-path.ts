/**
 * `npx tsx bench/frame-path.ts`: CPU per message of the call object's per-frame parsing, the
 * zod schemas (every message before the hot path) against durable-objects/call-session/hot-path.ts
 * (media frames, mark echoes, audio deltas since). Node runs the same V8 as workerd; this is the
 * parsing alone, not the socket work around it.
 */
import {
  parseRealtimeServerEvent,
  type DocumentedOutputAudioDeltaEvent,
  type InputAudioAppendEvent,
} from "../durable-objects/call-session/protocol/realtime.schema";
import {
  parseTwilioMessage,
  type DocumentedTwilioMarkMessage,
  type DocumentedTwilioMediaMessage,
} from "../durable-objects/call-session/protocol/twilio-media.schema";
import {
  appendText,
  parseOrUndefined,
  readAudioDelta,
  readMarkEcho,
  readMediaFrame,
} from "../durable-objects/call-session/hot-path";

const payload = Buffer.alloc(160, 0xff).toString("base64");
const media = JSON.stringify({
  event: "media",
  sequenceNumber: "1234",
  streamSid: "MZ" + "a".repeat(32),
  media: { track: "inbound", chunk: "1233", timestamp: "24660", payload },
} satisfies DocumentedTwilioMediaMessage);
const mark = JSON.stringify({
  event: "mark",
  sequenceNumber: "1235",
  streamSid: "MZ" + "a".repeat(32),
  mark: { name: "m12" },
} satisfies DocumentedTwilioMarkMessage);
// 100 ms of model audio, a typical delta.
const delta = JSON.stringify({
  type: "response.output_audio.delta",
  event_id: "event_123",
  response_id: "resp_1",
  item_id: "item_1",
  output_index: 0,
  content_index: 0,
  delta: Buffer.alloc(800, 0x7f).toString("base64"),
} satisfies DocumentedOutputAudioDeltaEvent);

function time(label: string, n: number, fn: () => unknown): void {
  for (let i = 0; i < 2000; i++) fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
  console.log(`  ${label.padEnd(44)} ${us.toFixed(2)} µs`);
}

const N = 50_000;
console.log(`per message (${N} iterations, ${new Date().toISOString()})`);
time("media frame: zod (parseTwilioMessage)", N, () => parseTwilioMessage(media));
time("media frame: hot path (readMediaFrame)", N, () => readMediaFrame(parseOrUndefined(media)));
time("mark echo: zod", N, () => parseTwilioMessage(mark));
time("mark echo: hot path", N, () => readMarkEcho(parseOrUndefined(mark)));
time("audio delta 100 ms: zod (parseRealtimeServerEvent)", N, () =>
  parseRealtimeServerEvent(delta),
);
time("audio delta 100 ms: hot path", N, () => readAudioDelta(parseOrUndefined(delta)));
time("append: JSON.stringify of the event", N, () =>
  JSON.stringify({
    type: "input_audio_buffer.append",
    audio: payload,
  } satisfies InputAudioAppendEvent),
);
time("append: appendText", N, () => appendText(payload));
