import { describe, expect, it } from "vitest";
import { assertNever } from "../../durable-objects/call-session/protocol/assert-never";
import {
  conversationItemCreateMessage,
  conversationItemTruncate,
  functionCallOutput,
  inputAudioAppend,
  parseRealtimeClientEvent,
  parseRealtimeServerEvent,
  responseCancel,
  responseCreate,
  sessionUpdate,
} from "../../durable-objects/call-session/protocol/realtime.schema";
import {
  parseTwilioMessage,
  parseTwilioOutboundMessage,
  twilioClear,
  twilioMark,
  twilioMedia,
  type TwilioInboundMessage,
} from "../../durable-objects/call-session/protocol/twilio-media.schema";

// The sample messages of https://www.twilio.com/docs/voice/media-streams/websocket-messages.
const STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0";
const CALL = "CA9d3e3aa5a1b5e3e4f9b1d7a4e5c6b7a8";
const ACCOUNT = "AC123456789abcdef0123456789abcdef0";
const twilioSamples = {
  connected: { event: "connected", protocol: "Call", version: "1.0.0" },
  start: {
    event: "start",
    sequenceNumber: "1",
    start: {
      accountSid: ACCOUNT,
      streamSid: STREAM,
      callSid: CALL,
      tracks: ["inbound"],
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      customParameters: { token: "abc.def" },
    },
    streamSid: STREAM,
  },
  media: {
    event: "media",
    sequenceNumber: "3",
    media: { track: "inbound", chunk: "1", timestamp: "5", payload: "no+JhoaJjpz/" },
    streamSid: STREAM,
  },
  mark: { event: "mark", sequenceNumber: "4", streamSid: STREAM, mark: { name: "my label" } },
  dtmf: {
    event: "dtmf",
    streamSid: STREAM,
    sequenceNumber: "5",
    dtmf: { track: "inbound_track", digit: "1" },
  },
  stop: {
    event: "stop",
    sequenceNumber: "5",
    streamSid: STREAM,
    stop: { accountSid: ACCOUNT, callSid: CALL },
  },
} as const;

/** What a consumer does with each message: the switch must stay exhaustive. */
function describeMessage(m: TwilioInboundMessage): string {
  switch (m.event) {
    case "connected":
      return m.event;
    case "start":
      return m.start.callSid;
    case "media":
      return m.media.payload;
    case "mark":
      return m.mark.name;
    case "dtmf":
      return m.dtmf.digit;
    case "stop":
      return m.event;
    default:
      return assertNever(m);
  }
}

describe("Twilio Media Streams protocol", () => {
  it.each(Object.entries(twilioSamples))("parses the documented %s message", (event, sample) => {
    const parsed = parseTwilioMessage(JSON.stringify(sample));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.message.event).toBe(event);
    expect(describeMessage(parsed.message)).toBeTypeOf("string");
    expect(parsed.drift).toEqual([]);
  });

  it("keeps the stream parameters and media format of start", () => {
    const parsed = parseTwilioMessage(JSON.stringify(twilioSamples.start));
    expect(parsed.ok && parsed.message.event === "start" && parsed.message.start).toMatchObject({
      customParameters: { token: "abc.def" },
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    });
  });

  it("rejects invalid JSON with a reason", () => {
    expect(parseTwilioMessage("{nope")).toEqual({ ok: false, reason: "invalid JSON" });
  });

  it("rejects an unknown event with a reason", () => {
    const parsed = parseTwilioMessage(JSON.stringify({ event: "hello", streamSid: STREAM }));
    expect(parsed).toEqual({ ok: false, reason: 'unknown event "hello"' });
  });

  it("rejects a message without an event", () => {
    expect(parseTwilioMessage("[1,2]").ok).toBe(false);
  });

  it.each([
    [
      "a media payload that is not base64",
      { media: { ...twilioSamples.media.media, payload: "%%%" } },
    ],
    ["a media message without a track", { media: { payload: "AAAA" } }],
  ])("rejects %s, naming the field", (_name, patch) => {
    const parsed = parseTwilioMessage(JSON.stringify({ ...twilioSamples.media, ...patch }));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(/^invalid media: media\./);
  });

  it.each([
    ["a media message without a sequence number", { sequenceNumber: undefined }, "sequenceNumber"],
    ["a numeric sequence number", { sequenceNumber: 3 }, "sequenceNumber"],
    ["a media message without a streamSid", { streamSid: undefined }, "streamSid"],
  ])("accepts %s, a field the relay never reads, and reports the drift", (_n, patch, field) => {
    const parsed = parseTwilioMessage(JSON.stringify({ ...twilioSamples.media, ...patch }));
    expect(parsed.ok && parsed.message.event === "media" && parsed.message.media.payload).toBe(
      twilioSamples.media.media.payload,
    );
    expect(parsed.ok && parsed.drift).toEqual([field]);
  });

  it("accepts a stop without its call ids, so a hang-up is never lost", () => {
    const parsed = parseTwilioMessage(JSON.stringify({ event: "stop", sequenceNumber: "9" }));
    expect(parsed.ok && parsed.message.event).toBe("stop");
    expect(parsed.ok && parsed.drift).toEqual(["streamSid", "stop"]);
  });

  it("accepts a start that states no media format, reporting the drift", () => {
    const { mediaFormat: _omitted, ...start } = twilioSamples.start.start;
    const parsed = parseTwilioMessage(JSON.stringify({ ...twilioSamples.start, start }));
    expect(parsed.ok && parsed.message.event === "start" && parsed.message.start.callSid).toBe(
      CALL,
    );
    expect(parsed.ok && parsed.drift).toEqual(["start.mediaFormat"]);
  });

  it("rejects a start whose audio is not 8 kHz μ-law", () => {
    const start = {
      ...twilioSamples.start,
      start: {
        ...twilioSamples.start.start,
        mediaFormat: { encoding: "audio/l16", sampleRate: 16000, channels: 1 },
      },
    };
    const parsed = parseTwilioMessage(JSON.stringify(start));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain("start.mediaFormat.encoding");
  });

  it("rejects a DTMF message carrying more than one key", () => {
    const dtmf = { ...twilioSamples.dtmf, dtmf: { track: "inbound_track", digit: "12" } };
    expect(parseTwilioMessage(JSON.stringify(dtmf)).ok).toBe(false);
  });

  it("builds outbound media, mark and clear as Twilio expects them", () => {
    expect(twilioMedia(STREAM, "AAAA")).toEqual({
      event: "media",
      streamSid: STREAM,
      media: { payload: "AAAA" },
    });
    expect(twilioMark(STREAM, "m1")).toEqual({
      event: "mark",
      streamSid: STREAM,
      mark: { name: "m1" },
    });
    expect(twilioClear(STREAM)).toEqual({ event: "clear", streamSid: STREAM });
    for (const m of [twilioMedia(STREAM, "AAAA"), twilioMark(STREAM, "m1"), twilioClear(STREAM)]) {
      expect(parseTwilioOutboundMessage(JSON.stringify(m))).toEqual({ ok: true, message: m });
    }
  });
});

describe("OpenAI Realtime protocol", () => {
  it("builds the GA session.update: μ-law both ways, audio only, function tools", () => {
    const update = sessionUpdate({
      instructions: "Be brief.",
      voice: "marin",
      tools: [
        {
          name: "end_call",
          description: "Hang up",
          parameters: { type: "object", properties: {} },
        },
      ],
      inputTranscriptionModel: "gpt-4o-mini-transcribe",
    });
    expect(update).toEqual({
      type: "session.update",
      session: {
        type: "realtime",
        instructions: "Be brief.",
        output_modalities: ["audio"],
        audio: {
          input: {
            format: { type: "audio/pcmu" },
            transcription: { model: "gpt-4o-mini-transcribe" },
            turn_detection: { type: "server_vad" },
          },
          output: { format: { type: "audio/pcmu" }, voice: "marin" },
        },
        tools: [
          {
            type: "function",
            name: "end_call",
            description: "Hang up",
            parameters: { type: "object", properties: {} },
          },
        ],
        tool_choice: "auto",
      },
    });
    expect(parseRealtimeClientEvent(JSON.stringify(update)).ok).toBe(true);
  });

  it("builds the other client events in their documented shapes", () => {
    expect(inputAudioAppend("AAAA")).toEqual({ type: "input_audio_buffer.append", audio: "AAAA" });
    expect(responseCreate()).toEqual({ type: "response.create" });
    expect(responseCreate("Greet")).toEqual({
      type: "response.create",
      response: { instructions: "Greet" },
    });
    expect(conversationItemCreateMessage("user", "hi").item).toEqual({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "hi" }],
    });
    expect(conversationItemCreateMessage("assistant", "hello").item).toEqual({
      type: "message",
      role: "assistant",
      content: [{ type: "output_text", text: "hello" }],
    });
    expect(functionCallOutput("call_1", "{}")).toEqual({
      type: "conversation.item.create",
      item: { type: "function_call_output", call_id: "call_1", output: "{}" },
    });
    expect(conversationItemTruncate("item_1", 0, 1234.7)).toEqual({
      type: "conversation.item.truncate",
      item_id: "item_1",
      content_index: 0,
      audio_end_ms: 1234,
    });
    expect(responseCancel()).toEqual({ type: "response.cancel" });
  });

  it("parses an audio delta under its GA name", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({
        type: "response.output_audio.delta",
        event_id: "event_1",
        response_id: "resp_1",
        item_id: "item_1",
        output_index: 0,
        content_index: 0,
        delta: "//7+",
      }),
    );
    expect(parsed.ok && parsed.known && parsed.event.type).toBe("response.output_audio.delta");
  });

  it("accepts an audio delta without response_id, which the call never reads, as drift", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({
        type: "response.output_audio.delta",
        item_id: "item_1",
        output_index: 0,
        content_index: 0,
        delta: "//7+",
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      known: true,
      event: {
        type: "response.output_audio.delta",
        item_id: "item_1",
        content_index: 0,
        delta: "//7+",
      },
      drift: ["response_id"],
    });
  });

  it("accepts response.done without a response, so the turn still ends", () => {
    const parsed = parseRealtimeServerEvent(JSON.stringify({ type: "response.done" }));
    expect(parsed.ok && parsed.known && parsed.event).toEqual({ type: "response.done" });
    expect(parsed.ok && parsed.known && parsed.drift).toEqual(["response"]);
  });

  it("keeps response.done whose usage is malformed, without token counts", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({
        type: "response.done",
        response: { id: "resp_1", status: "completed", usage: { input_tokens: "many" } },
      }),
    );
    expect(parsed.ok && parsed.known && parsed.event).toEqual({
      type: "response.done",
      response: { usage: null },
    });
    expect(parsed.ok && parsed.known && parsed.drift).toEqual([
      "response.usage.total_tokens",
      "response.usage.input_tokens",
      "response.usage.output_tokens",
    ]);
  });

  it("rejects an audio delta without the item it belongs to, naming the field", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({ type: "response.output_audio.delta", content_index: 0, delta: "//7+" }),
    );
    expect(parsed).toMatchObject({ ok: false, reason: expect.stringMatching(/item_id/) as string });
  });

  it("parses response.done with usage and a function call output item", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({
        type: "response.done",
        event_id: "event_2",
        response: {
          id: "resp_1",
          object: "realtime.response",
          status: "completed",
          output: [
            {
              id: "item_2",
              type: "function_call",
              call_id: "call_1",
              name: "end_call",
              arguments: "{}",
            },
          ],
          usage: {
            total_tokens: 30,
            input_tokens: 20,
            output_tokens: 10,
            input_token_details: { cached_tokens: 0, text_tokens: 15, audio_tokens: 5 },
            output_token_details: { text_tokens: 4, audio_tokens: 6 },
          },
        },
      }),
    );
    expect(parsed.ok && parsed.known).toBe(true);
    if (parsed.ok && parsed.known && parsed.event.type === "response.done") {
      expect(parsed.event.response?.usage).toEqual({ input_tokens: 20, output_tokens: 10 });
      expect(parsed.drift).toEqual([]);
    }
  });

  it("parses an error event", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({
        type: "error",
        event_id: "event_3",
        error: {
          type: "invalid_request_error",
          code: "invalid_value",
          message: "bad",
          param: null,
          event_id: null,
        },
      }),
    );
    expect(
      parsed.ok && parsed.known && parsed.event.type === "error" && parsed.event.error?.code,
    ).toBe("invalid_value");
  });

  it("passes an unknown server event through as a generic { type }", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({ type: "response.content_part.added", part: { type: "audio" } }),
    );
    expect(parsed).toEqual({
      ok: true,
      known: false,
      event: { type: "response.content_part.added" },
    });
  });

  it("rejects a known server event with a malformed body, with a reason", () => {
    const parsed = parseRealtimeServerEvent(
      JSON.stringify({ type: "response.function_call_arguments.done", call_id: "c" }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.reason).toMatch(/^invalid response\.function_call_arguments\.done: /);
  });

  it("never throws on garbage", () => {
    for (const text of ["", "null", "42", "{", '{"type":7}', "[]"]) {
      expect(parseRealtimeServerEvent(text).ok).toBe(false);
      expect(parseRealtimeClientEvent(text).ok).toBe(false);
    }
  });
});
