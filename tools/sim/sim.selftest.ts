/**
 * Self-tests for the simulators. They need real Node sockets, which the Workers-pool vitest
 * cannot give, so they run on their own: `npx tsx tools/sim/sim.selftest.ts`.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { Duplex } from "node:stream";
import twilio from "twilio";
import WebSocket, { WebSocketServer } from "ws";
import type { RawData } from "ws";
import { z } from "zod";
import {
  conversationItemTruncate,
  functionCallOutput,
  inputAudioAppend,
  parseRealtimeServerEvent,
  responseCancel,
  responseCreate,
  sessionUpdate,
  DocumentedRealtimeServerEvent,
} from "../../durable-objects/call-session/protocol/realtime.schema";
import {
  parseTwilioMessage,
  twilioClear,
  twilioMark,
  twilioMedia,
} from "../../durable-objects/call-session/protocol/twilio-media.schema";
import {
  decodeSample,
  encodeSample,
  fromBase64,
  rms,
  silenceFrame,
  speechLike,
  tone,
  toBase64,
} from "./mulaw";
import { startRealtimeSimulator, rawText, type RealtimeScript } from "./realtime-server";
import { parseTwiml, simulateCall } from "./twilio-caller";

const results: { name: string; error: unknown }[] = [];

async function test(name: string, fn: () => Promise<void> | void): Promise<void> {
  try {
    await fn();
    results.push({ name, error: null });
    console.log(`ok   ${name}`);
  } catch (error) {
    results.push({ name, error });
    console.log(`FAIL ${name}\n     ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A Realtime client that keeps every (validated) server event and can wait for one. */
class RealtimeClient {
  readonly events: DocumentedRealtimeServerEvent[] = [];
  readonly unknown: string[] = [];
  #waiters: (() => void)[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data: RawData) => {
      const text = rawText(data);
      const parsed = parseRealtimeServerEvent(text);
      if (!parsed.ok) throw new Error(`simulator sent an invalid event: ${parsed.reason}`);
      // The simulator speaks the documented protocol, field for field.
      if (parsed.known) this.events.push(DocumentedRealtimeServerEvent.parse(JSON.parse(text)));
      else this.unknown.push(parsed.event.type);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  static async connect(url: string, key = "sk-test"): Promise<RealtimeClient> {
    const ws = new WebSocket(`${url}?model=gpt-realtime`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    // Listen before "open": session.created can arrive in the same packet as the handshake.
    const client = new RealtimeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return client;
  }

  send(event: object): void {
    this.ws.send(JSON.stringify(event));
  }

  async waitFor<T extends DocumentedRealtimeServerEvent["type"]>(
    type: T,
    count = 1,
    timeoutMs = 5000,
  ): Promise<Extract<DocumentedRealtimeServerEvent, { type: T }>[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.filter(
        (e): e is Extract<DocumentedRealtimeServerEvent, { type: T }> => e.type === type,
      );
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count}× ${type}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

const configured = sessionUpdate({
  instructions: "You are a receptionist.",
  voice: "marin",
  tools: [{ name: "lookup_caller", description: "Look up", parameters: { type: "object" } }],
  inputTranscriptionModel: "gpt-4o-mini-transcribe",
});

const ChatAnswer = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })),
});
const EmbeddingsAnswer = z.object({ data: z.array(z.object({ embedding: z.array(z.number()) })) });

async function handshakeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("open", () => {
      resolve(101);
      ws.close();
    });
    ws.on("error", () => resolve(-1));
  });
}

async function main(): Promise<void> {
  await test("μ-law: decode∘encode is the identity on every code (except -0)", () => {
    for (let b = 0; b < 256; b++) {
      if (b === 0x7f) continue; // μ-law's negative zero decodes to 0, which encodes as 0xFF
      assert.equal(encodeSample(decodeSample(b)), b, `code ${b}`);
    }
    assert.equal(encodeSample(0), 0xff);
    assert.deepEqual([...silenceFrame()], new Array<number>(160).fill(0xff));
    assert.equal(speechLike(1000).length, 8000);
    assert.ok(rms(tone(100)) > 1000);
    assert.ok(rms(speechLike(500)) > 300);
  });

  const script: RealtimeScript = {
    speed: 8,
    steps: [
      { on: "response.create", do: [{ say: "Hello, thanks for calling!", audioMs: 1000 }] },
      { on: "response.create", do: [{ callTool: "lookup_caller", args: { phone: "+1555" } }] },
      { on: "function_output:lookup_caller", do: [{ say: "Found you.", audioMs: 300 }] },
      { on: "caller_audio_ms:200", do: [{ callerSays: "I need help", audioMs: 50 }] },
      { on: "response.create", do: [{ say: "A long answer that gets cut.", audioMs: 4000 }] },
    ],
  };
  const sim = await startRealtimeSimulator({ port: 0, script, expectedApiKey: "sk-test" });

  await test("realtime: handshake needs the bearer key", async () => {
    assert.equal(await handshakeStatus(`${sim.url}?model=m`, {}), 401);
    assert.equal(
      await handshakeStatus(`${sim.url}?model=m`, { Authorization: "Bearer nope" }),
      401,
    );
    assert.equal(await handshakeStatus(sim.url, { Authorization: "Bearer sk-test" }), 400);
    assert.equal(
      await handshakeStatus(`${sim.url}?model=m`, { Authorization: "Bearer sk-test" }),
      101,
    );
  });

  await test("realtime: append before session.update(pcmu) is rejected, after it is counted", async () => {
    const c = await RealtimeClient.connect(sim.url);
    await c.waitFor("session.created");
    c.send(inputAudioAppend(toBase64(silenceFrame())));
    const [err] = await c.waitFor("error");
    assert.equal(err?.error.code, "invalid_value");
    c.send(configured);
    const [updated] = await c.waitFor("session.updated");
    const audio = updated?.session.audio as { input?: { format?: { type?: string } } } | undefined;
    assert.equal(audio?.input?.format?.type, "audio/pcmu");
    c.send(inputAudioAppend(toBase64(silenceFrame())));
    await new Promise((r) => setTimeout(r, 100));
    const log = sim.sessions.at(-1);
    assert.equal(log?.appendedAudioBytes, 160);
    assert.equal(log?.errorsSent.length, 1);
    assert.deepEqual(log?.sessionUpdates[0], configured.session);
    c.close();
  });

  await test("realtime: a scripted call (say, truncate, caller turn, tool call, answer, cancel)", async () => {
    const c = await RealtimeClient.connect(sim.url);
    c.send(configured);
    await c.waitFor("session.updated");

    // Greeting: audio bytes = audioMs × 8, in 20–100 ms deltas.
    c.send(responseCreate());
    const [greeting] = await c.waitFor("response.done");
    const deltas = c.events.filter((e) => e.type === "response.output_audio.delta");
    const sizes = deltas.map((d) => fromBase64(d.delta).length);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      1000 * 8,
    );
    assert.ok(
      sizes.every((n) => n >= 20 * 8 && n <= 100 * 8),
      `chunk sizes ${sizes.join(",")}`,
    );
    assert.equal(greeting?.response.status, "completed");
    assert.ok((greeting?.response.usage?.output_tokens ?? 0) > 0);
    const [transcript] = await c.waitFor("response.output_audio_transcript.done");
    assert.equal(transcript?.transcript, "Hello, thanks for calling!");
    assert.ok(c.unknown.includes("response.content_part.added"), "unknown events pass through");
    const itemId = deltas[0]?.item_id ?? "";

    // Truncate: past the audio sent is refused, within it is accepted.
    c.send(conversationItemTruncate(itemId, 0, 1001));
    const [err] = await c.waitFor("error");
    assert.equal(err?.error.code, "invalid_value");
    c.send(conversationItemTruncate(itemId, 0, 640));
    const [truncated] = await c.waitFor("conversation.item.truncated");
    assert.equal(truncated?.audio_end_ms, 640);

    // Caller speaks (after 200 ms of audio) → VAD events → auto response = tool call.
    for (let i = 0; i < 12; i++) c.send(inputAudioAppend(toBase64(silenceFrame())));
    const [said] = await c.waitFor("conversation.item.input_audio_transcription.completed");
    assert.equal(said?.transcript, "I need help");
    await c.waitFor("input_audio_buffer.speech_started");
    const [call] = await c.waitFor("response.function_call_arguments.done");
    assert.equal(call?.name, "lookup_caller");
    assert.deepEqual(JSON.parse(call?.arguments ?? "null"), { phone: "+1555" });
    await c.waitFor("response.done", 2);

    c.send(functionCallOutput(call?.call_id ?? "", JSON.stringify({ name: "Jane" })));
    c.send(responseCreate());
    const done = await c.waitFor("response.done", 3);
    assert.equal(done[2]?.response.output[0]?.type, "message");
    const log = sim.sessions.at(-1);
    assert.deepEqual(log?.functionOutputs[0], {
      callId: call?.call_id,
      name: "lookup_caller",
      output: '{"name":"Jane"}',
    });

    // A long answer, cancelled mid-way: it ends as cancelled with only part of its audio.
    c.send(responseCreate());
    await c.waitFor("response.output_audio.delta", deltas.length + 6);
    c.send(responseCreate());
    await c.waitFor("error", 2);
    assert.equal(log?.errorsSent[1]?.code, "conversation_already_has_active_response");
    c.send(responseCancel());
    const all = await c.waitFor("response.done", 4);
    assert.equal(all[3]?.response.status, "cancelled");
    const last = log?.responses.at(-1);
    assert.ok(last && last.audioBytes < 4000 * 8, "cancel stopped the audio");
    c.send(responseCancel());
    await c.waitFor("error", 3);
    assert.equal(log?.errorsSent[2]?.code, "response_cancel_not_active");
    c.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.notEqual(log?.closedAt, null);
  });

  await test("realtime: caller speech interrupts a response being generated (server VAD)", async () => {
    const barge = await startRealtimeSimulator({
      script: {
        speed: 1,
        steps: [
          { on: "response.create", do: [{ say: "A long greeting.", audioMs: 3000 }] },
          { on: "caller_audio_ms:100", do: [{ callerSays: "Sorry, quick question", audioMs: 50 }] },
        ],
      },
    });
    const c = await RealtimeClient.connect(barge.url);
    c.send(configured);
    await c.waitFor("session.updated");
    c.send(responseCreate());
    await c.waitFor("response.output_audio.delta");
    for (let i = 0; i < 5; i++) c.send(inputAudioAppend(toBase64(silenceFrame())));
    await c.waitFor("input_audio_buffer.speech_started");
    const done = await c.waitFor("response.done", 2);
    assert.equal(done[0]?.response.status, "cancelled");
    assert.equal(done[1]?.response.status, "completed", "VAD answered the caller");
    c.close();
    await barge.close();
  });

  await test("realtime: load mode answers answerMs of audio every everyMs while the caller streams", async () => {
    const load = await startRealtimeSimulator({
      script: { steps: [], load: { everyMs: 300, answerMs: 200 } },
    });
    const c = await RealtimeClient.connect(load.url);
    c.send(configured);
    await c.waitFor("session.updated");
    const timer = setInterval(() => c.send(inputAudioAppend(toBase64(silenceFrame()))), 20);
    await c.waitFor("response.done", 2, 3000);
    clearInterval(timer);
    const bytes = c.events
      .filter((e) => e.type === "response.output_audio.delta")
      .reduce((n, e) => n + fromBase64(e.delta).length, 0);
    assert.ok(bytes >= 2 * 200 * 8);
    c.close();
    await load.close();
  });

  await test("rest: chat completions (echo and json_schema) and deterministic embeddings", async () => {
    const headers = { Authorization: "Bearer sk-test", "Content-Type": "application/json" };
    const chat = await fetch(`${sim.httpBaseUrl}/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    const chatJson = ChatAnswer.parse(await chat.json());
    assert.equal(chatJson.choices[0]?.message.content, "Echo: hi");
    const structured = await fetch(`${sim.httpBaseUrl}/chat/completions`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        model: "m",
        messages: [{ role: "user", content: "summarise" }],
        response_format: { type: "json_schema", json_schema: { name: "summary", schema: {} } },
      }),
    });
    const structuredJson = ChatAnswer.parse(await structured.json());
    assert.equal(structuredJson.choices[0]?.message.content, "{}");
    const embed = async (): Promise<number[][]> => {
      const res = await fetch(`${sim.httpBaseUrl}/embeddings`, {
        method: "POST",
        headers,
        body: JSON.stringify({ model: "e", input: ["a red car", "a red car"], dimensions: 64 }),
      });
      return EmbeddingsAnswer.parse(await res.json()).data.map((d) => d.embedding);
    };
    const [a, b] = await embed();
    assert.equal(a?.length, 64);
    assert.deepEqual(a, b);
    assert.deepEqual(a, (await embed())[0]);
    const unauth = await fetch(`${sim.httpBaseUrl}/embeddings`, { method: "POST", body: "{}" });
    assert.equal(unauth.status, 401);
  });

  await sim.close();

  await test("twiml: parses Connect/Stream/Parameter, Say, Redirect, Dial, Record, Hangup", () => {
    const r = parseTwiml(
      `<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi &amp; welcome</Say>` +
        `<Connect><Stream url="wss://x/y"><Parameter name="token" value="t&lt;1"/></Stream></Connect>` +
        `<Redirect method="POST">/twilio/continue</Redirect><Dial><Number>+1555</Number></Dial>` +
        `<Record action="/r" maxLength="60"/><Hangup/></Response>`,
    );
    assert.ok(r.ok);
    assert.deepEqual(r.twiml.verbs, [
      { verb: "Say", text: "Hi & welcome" },
      {
        verb: "Connect",
        action: null,
        stream: { url: "wss://x/y", name: null, parameters: { token: "t<1" } },
      },
      { verb: "Redirect", url: "/twilio/continue", method: "POST" },
      { verb: "Dial", number: "+1555", action: null, callerId: null },
      { verb: "Record", action: "/r", maxLength: "60" },
      { verb: "Hangup" },
    ]);
    assert.equal(parseTwiml("<Response><Say>x</Response>").ok, false);
  });

  await test("caller: signed webhook, signed stream, real-time frames, playout marks, clear, redirect", async () => {
    const token = "test-twilio-auth-token";
    const publicBase = "https://receptionist.test";
    const seen: string[] = [];
    let startMessage: unknown = null;
    const serverMarks: { name: string; at: number }[] = [];
    let markSentAt = 0;
    let mediaCount = 0;

    const server = http.createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
        const path = req.url ?? "";
        const valid = twilio.validateRequest(
          token,
          String(req.headers["x-twilio-signature"] ?? ""),
          `${publicBase}${path}`,
          params,
        );
        seen.push(`${path}:${valid ? "signed" : "UNSIGNED"}:${params["CallStatus"] ?? ""}`);
        res.writeHead(valid ? 200 : 403, { "Content-Type": "text/xml" });
        res.end(
          path === "/twilio/voice"
            ? `<Response><Connect><Stream url="wss://receptionist.test/twilio/media/${params["CallSid"] ?? ""}">` +
                `<Parameter name="token" value="tok123"/></Stream></Connect>` +
                `<Redirect>/twilio/continue</Redirect></Response>`
            : `<Response><Hangup/></Response>`,
        );
      })();
    });
    const wss = new WebSocketServer({ noServer: true });
    server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const ok = twilio.validateRequest(
        token,
        String(req.headers["x-twilio-signature"] ?? ""),
        `wss://receptionist.test${req.url ?? ""}`,
        {},
      );
      seen.push(`ws:${ok ? "signed" : "UNSIGNED"}`);
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on("message", (data: RawData) => {
          const parsed = parseTwilioMessage(rawText(data));
          assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
          const msg = parsed.message;
          if (msg.event === "start") {
            startMessage = msg;
            const sid = msg.streamSid;
            // 400 ms of audio then mark a; more audio then mark b, cleared before it plays.
            ws.send(JSON.stringify(twilioMedia(sid, toBase64(tone(400)))));
            ws.send(JSON.stringify(twilioMark(sid, "a")));
            markSentAt = performance.timeOrigin + performance.now();
            ws.send(JSON.stringify(twilioMedia(sid, toBase64(tone(2000)))));
            ws.send(JSON.stringify(twilioMark(sid, "b")));
            setTimeout(() => ws.send(JSON.stringify(twilioClear(sid))), 700);
          } else if (msg.event === "media") mediaCount += 1;
          else if (msg.event === "mark") {
            serverMarks.push({
              name: msg.mark.name,
              at: performance.timeOrigin + performance.now(),
            });
          }
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;

    const report = await simulateCall({
      baseUrl: `http://127.0.0.1:${port}`,
      publicBaseUrl: publicBase,
      authToken: token,
      accountSid: "ACtest00000000000000000000000000000",
      from: "+15555550100",
      to: "+19497071290",
      durationMs: 1000,
      lines: [{ afterMs: 200, text: "hello" }],
      dtmf: [{ afterMs: 500, digit: "5" }],
    });
    await new Promise<void>((r) => server.close(() => r()));
    wss.close();

    assert.deepEqual(report.errors, []);
    assert.deepEqual(seen, [
      "/twilio/voice:signed:ringing",
      "ws:signed",
      "/twilio/continue:signed:in-progress",
    ]);
    const start = startMessage as { start: { customParameters: Record<string, string> } } | null;
    assert.deepEqual(start?.start.customParameters, { token: "tok123" });
    assert.equal(report.framesSent, 50);
    assert.equal(mediaCount, 50);
    assert.equal(report.dtmfSent, 1);
    assert.equal(report.agentAudioBytes, 2400 * 8);
    assert.deepEqual(
      report.marksEchoed.map((m) => [m.name, m.cleared]),
      [
        ["a", false],
        ["b", true],
      ],
    );
    const a = serverMarks.find((m) => m.name === "a");
    assert.ok(
      a && a.at - markSentAt >= 370,
      `mark a echoed after ${a ? a.at - markSentAt : -1} ms`,
    );
    assert.equal(report.clears.length, 1);
    assert.ok((report.clears[0]?.droppedBytes ?? 0) > 0);
    assert.equal(report.closedBy, "caller");
    assert.deepEqual(report.continuation?.twiml?.verbs, [{ verb: "Hangup" }]);
  });
}

main()
  .catch((err: unknown) => {
    results.push({ name: "selftest harness", error: err });
    console.error(err);
  })
  .finally(() => {
    const failed = results.filter((r) => r.error !== null).length;
    console.log(`${results.length - failed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
  });
