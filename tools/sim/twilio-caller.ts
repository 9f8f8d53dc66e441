/**
 * A local stand-in for Twilio placing one inbound call to the platform, for tests, benchmarks
 * and the offline demo. It does what Twilio does, in order:
 * 1. POSTs the signed, form-encoded `/twilio/voice` webhook (signature over the PUBLIC url);
 * 2. reads the TwiML;
 * 3. for `<Connect><Stream>`, opens the WebSocket with `X-Twilio-Signature` over the `wss://`
 *    url (no params), sends `connected`, `start` (the `<Parameter>`s as customParameters) and
 *    20 ms μ-law `media` frames in real time, then `stop`;
 * 4. plays the agent's audio out in real time (8 bytes/ms): a `mark` is echoed only when playout
 *    reaches it; `clear` drops the buffer and echoes the pending marks at once;
 * 5. after the socket closes, follows `<Connect action>` or the `<Redirect>` after `<Connect>`
 *    (signed) and reports what it returned.
 * Everything received is validated with the protocol's zod schemas.
 */
import { pathToFileURL } from "node:url";
import twilio from "twilio";
import WebSocket from "ws";
import type { RawData } from "ws";
import {
  parseTwilioOutboundMessage,
  type TwilioOutboundMessage,
  type DocumentedTwilioInboundMessage,
  type DocumentedTwilioConnectedMessage,
  type DocumentedTwilioDtmfMessage,
  type DocumentedTwilioMarkMessage,
  type DocumentedTwilioMediaMessage,
  type DocumentedTwilioStartMessage,
  type DocumentedTwilioStopMessage,
} from "../../durable-objects/call-session/protocol/twilio-media.schema";
import { assertNever } from "../../durable-objects/call-session/protocol/assert-never";
import {
  BASE64_PATTERN,
  BYTES_PER_MS,
  base64Length,
  FRAME_BYTES,
  FRAME_MS,
  silenceFrame,
  speechLike,
  toBase64,
} from "./mulaw";

// ---- TwiML ----

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_m, e: string) => {
    if (e[0] === "#") {
      const code =
        e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return ENTITIES[e.toLowerCase()] ?? "";
  });
}

/** A tiny XML reader: elements, attributes, text, CDATA; enough for TwiML. Null if malformed. */
export function parseXml(text: string): XmlElement | null {
  const root: XmlElement = { name: "#root", attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  const token =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([A-Za-z][\w:.-]*)\s*>|<([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of text.matchAll(token)) {
    const top = stack[stack.length - 1];
    if (!top) return null;
    const [, cdata, close, open, attrText, selfClose, chars, stray] = m;
    if (stray !== undefined) return null;
    if (cdata !== undefined) top.children.push(cdata);
    else if (chars !== undefined) {
      if (chars.trim()) top.children.push(decodeEntities(chars.trim()));
    } else if (close !== undefined) {
      if (top.name !== close) return null;
      stack.pop();
    } else if (open !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of (attrText ?? "").matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        const key = a[1];
        if (key !== undefined) attrs[key] = decodeEntities(a[2] ?? a[3] ?? "");
      }
      const el: XmlElement = { name: open, attrs, children: [] };
      top.children.push(el);
      if (!selfClose) stack.push(el);
    }
  }
  if (stack.length !== 1) return null;
  const doc = root.children.find((c): c is XmlElement => typeof c !== "string");
  return doc ?? null;
}

function textOf(el: XmlElement): string {
  return el.children
    .map((c) => (typeof c === "string" ? c : textOf(c)))
    .join(" ")
    .trim();
}

function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string");
}

export interface TwimlStream {
  url: string;
  name: string | null;
  parameters: Record<string, string>;
}

export type TwimlVerb =
  | { verb: "Say"; text: string }
  | { verb: "Connect"; action: string | null; stream: TwimlStream | null }
  | { verb: "Hangup" }
  | { verb: "Redirect"; url: string; method: string }
  | { verb: "Dial"; number: string; action: string | null; callerId: string | null }
  | { verb: "Record"; action: string | null; maxLength: string | null }
  | { verb: "Pause"; length: number }
  | { verb: "Other"; name: string };

export interface Twiml {
  verbs: TwimlVerb[];
}

export function parseTwiml(
  xml: string,
): { ok: true; twiml: Twiml } | { ok: false; reason: string } {
  const doc = parseXml(xml);
  if (!doc) return { ok: false, reason: "malformed XML" };
  if (doc.name !== "Response")
    return { ok: false, reason: `root is <${doc.name}>, not <Response>` };
  const verbs = childElements(doc).map((el): TwimlVerb => {
    switch (el.name) {
      case "Say":
        return { verb: "Say", text: textOf(el) };
      case "Connect": {
        const s = childElements(el).find((c) => c.name === "Stream");
        const stream: TwimlStream | null = s
          ? {
              url: s.attrs["url"] ?? "",
              name: s.attrs["name"] ?? null,
              parameters: Object.fromEntries(
                childElements(s)
                  .filter((p) => p.name === "Parameter")
                  .map((p) => [p.attrs["name"] ?? "", p.attrs["value"] ?? ""]),
              ),
            }
          : null;
        return { verb: "Connect", action: el.attrs["action"] ?? null, stream };
      }
      case "Hangup":
        return { verb: "Hangup" };
      case "Redirect":
        return { verb: "Redirect", url: textOf(el), method: el.attrs["method"] ?? "POST" };
      case "Dial": {
        const number = childElements(el).find((c) => c.name === "Number");
        return {
          verb: "Dial",
          number: number ? textOf(number) : textOf(el),
          action: el.attrs["action"] ?? null,
          callerId: el.attrs["callerId"] ?? null,
        };
      }
      case "Record":
        return {
          verb: "Record",
          action: el.attrs["action"] ?? null,
          maxLength: el.attrs["maxLength"] ?? null,
        };
      case "Pause":
        return { verb: "Pause", length: Number(el.attrs["length"] ?? "1") };
      default:
        return { verb: "Other", name: el.name };
    }
  });
  return { ok: true, twiml: { verbs } };
}

// ---- call ----

export interface CallLine {
  /** When the caller starts saying it, in ms from stream start. */
  afterMs: number;
  text: string;
  /** Default: 70 ms per character, at least 600 ms. */
  audioMs?: number;
}

export type CallEvent =
  | { type: "voice_webhook"; status: number; twiml: Twiml | null }
  | { type: "stream_open"; url: string }
  | { type: "agent_media"; at: number; bytes: number }
  | { type: "mark_echoed"; name: string; cleared: boolean }
  | { type: "clear"; droppedBytes: number }
  | { type: "stream_closed"; code: number; by: "caller" | "platform" }
  | { type: "continuation"; url: string; status: number; twiml: Twiml | null }
  | { type: "error"; message: string };

export interface SimulateCallOptions {
  /** Where the platform actually listens, e.g. http://127.0.0.1:8787. */
  baseUrl: string;
  /** The platform's PUBLIC_BASE_URL: what signatures are computed over. */
  publicBaseUrl: string;
  authToken: string;
  accountSid: string;
  from: string;
  to: string;
  callSid?: string;
  lines?: CallLine[];
  dtmf?: { afterMs: number; digit: string }[];
  /** How long the caller streams audio before hanging up (sending `stop`). */
  durationMs: number;
  onEvent?: (event: CallEvent) => void;
}

export interface CallReport {
  callSid: string;
  voiceStatus: number;
  twimlText: string;
  twiml: Twiml | null;
  streamUrl: string | null;
  streamSid: string | null;
  framesSent: number;
  /** When each caller frame left (ms, `now()` clock), in order: frame k is `frameSentAt[k]`. */
  frameSentAt: number[];
  dtmfSent: number;
  agentAudioBytes: number;
  /** Arrival of every agent media frame (ms, same clock as the Realtime simulator's `now()`). */
  agentMedia: { at: number; bytes: number; offsetBytes: number }[];
  playedBytes: number;
  marksEchoed: { name: string; at: number; cleared: boolean }[];
  clears: { at: number; droppedBytes: number }[];
  closedBy: "caller" | "platform" | null;
  closeCode: number | null;
  continuation: { url: string; status: number; twimlText: string; twiml: Twiml | null } | null;
  errors: string[];
  startedAt: number;
  endedAt: number;
}

export function now(): number {
  return performance.timeOrigin + performance.now();
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function randomHex(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 16).toString(16);
  return s;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Maps a public http(s)/ws(s) url onto the local base, keeping path and query. */
export function toLocalUrl(url: string, publicBaseUrl: string, baseUrl: string): string {
  const pub = new URL(publicBaseUrl);
  const target = new URL(url);
  const samePort = (target.port || null) === (pub.port || null);
  if (target.hostname !== pub.hostname || !samePort) return url;
  const local = new URL(baseUrl);
  const ws = target.protocol === "wss:" || target.protocol === "ws:";
  local.protocol = ws ? (local.protocol === "https:" ? "wss:" : "ws:") : local.protocol;
  local.pathname = target.pathname;
  local.search = target.search;
  return local.toString();
}

/** The form Twilio posts to the voice webhook of an inbound call. */
export function voiceWebhookParams(
  o: Pick<SimulateCallOptions, "accountSid" | "from" | "to">,
  callSid: string,
  callStatus: string,
): Record<string, string> {
  return {
    AccountSid: o.accountSid,
    ApiVersion: "2010-04-01",
    CallSid: callSid,
    CallStatus: callStatus,
    Called: o.to,
    CalledCountry: "US",
    Caller: o.from,
    CallerCountry: "US",
    Direction: "inbound",
    From: o.from,
    FromCountry: "US",
    To: o.to,
    ToCountry: "US",
  };
}

/** POSTs (or GETs) a signed webhook the way Twilio does. */
export async function postSignedWebhook(
  publicUrl: string,
  localUrl: string,
  authToken: string,
  params: Record<string, string>,
  method = "POST",
): Promise<{ status: number; text: string }> {
  if (method.toUpperCase() === "GET") {
    const pub = new URL(publicUrl);
    const local = new URL(localUrl);
    for (const [k, v] of Object.entries(params)) {
      pub.searchParams.set(k, v);
      local.searchParams.set(k, v);
    }
    const signature = twilio.getExpectedTwilioSignature(authToken, pub.toString(), {});
    const res = await fetch(local, {
      headers: { "X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1" },
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, text: await res.text() };
  }
  const signature = twilio.getExpectedTwilioSignature(authToken, publicUrl, params);
  const res = await fetch(localUrl, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "X-Twilio-Signature": signature,
      "User-Agent": "TwilioProxy/1.1",
    },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** A keypress as Twilio reports it on the stream. */
export function twilioDtmfMessage(
  streamSid: string,
  sequenceNumber: number,
  digit: string,
): DocumentedTwilioDtmfMessage {
  return {
    event: "dtmf",
    sequenceNumber: String(sequenceNumber),
    streamSid,
    dtmf: { track: "inbound_track", digit },
  };
}

/**
 * `media` and `mark` (nearly all the traffic) checked by hand against the same rules as
 * TwilioOutboundMessage (streamSid 1–64 characters, base64 payload, string mark name), so that
 * a hundred simulated callers stay cheap; anything else, or anything off, goes to the schema.
 */
function parseOutboundFast(text: string): { ok: true; message: TwilioOutboundMessage } | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const streamSid = v["streamSid"];
  if (typeof streamSid !== "string" || streamSid.length < 1 || streamSid.length > 64) return null;
  if (v["event"] === "media") {
    const media = v["media"];
    if (typeof media !== "object" || media === null) return null;
    const payload = (media as Record<string, unknown>)["payload"];
    if (typeof payload !== "string" || !BASE64_PATTERN.test(payload)) return null;
    return { ok: true, message: { event: "media", streamSid, media: { payload } } };
  }
  if (v["event"] === "mark") {
    const mark = v["mark"];
    if (typeof mark !== "object" || mark === null) return null;
    const name = (mark as Record<string, unknown>)["name"];
    if (typeof name !== "string") return null;
    return { ok: true, message: { event: "mark", streamSid, mark: { name } } };
  }
  return null;
}

type PlayoutEntry = { kind: "audio"; remaining: number } | { kind: "mark"; name: string };

export async function simulateCall(options: SimulateCallOptions): Promise<CallReport> {
  const callSid = options.callSid ?? `CA${randomHex(32)}`;
  const publicBase = trimSlash(options.publicBaseUrl);
  const base = trimSlash(options.baseUrl);
  const emit = (e: CallEvent): void => options.onEvent?.(e);
  const report: CallReport = {
    callSid,
    voiceStatus: 0,
    twimlText: "",
    twiml: null,
    streamUrl: null,
    streamSid: null,
    framesSent: 0,
    frameSentAt: [],
    dtmfSent: 0,
    agentAudioBytes: 0,
    agentMedia: [],
    playedBytes: 0,
    marksEchoed: [],
    clears: [],
    closedBy: null,
    closeCode: null,
    continuation: null,
    errors: [],
    startedAt: now(),
    endedAt: 0,
  };
  const fail = (message: string): void => {
    report.errors.push(message);
    emit({ type: "error", message });
  };

  // 1–2. Voice webhook and its TwiML.
  const voiceUrl = `${publicBase}/twilio/voice`;
  try {
    const res = await postSignedWebhook(
      voiceUrl,
      toLocalUrl(voiceUrl, publicBase, base),
      options.authToken,
      voiceWebhookParams(options, callSid, "ringing"),
    );
    report.voiceStatus = res.status;
    report.twimlText = res.text;
  } catch (err) {
    fail(`voice webhook failed: ${String(err)}`);
    report.endedAt = now();
    return report;
  }
  const parsed = parseTwiml(report.twimlText);
  if (parsed.ok) report.twiml = parsed.twiml;
  else fail(`voice webhook answered ${report.voiceStatus} without TwiML: ${parsed.reason}`);
  emit({ type: "voice_webhook", status: report.voiceStatus, twiml: report.twiml });
  const verbs = report.twiml?.verbs ?? [];
  const connectIndex = verbs.findIndex((v) => v.verb === "Connect");
  const connect = verbs[connectIndex];
  if (!connect || connect.verb !== "Connect" || !connect.stream) {
    report.endedAt = now();
    return report;
  }

  // 3–4. The media stream.
  await runStream(options, connect.stream, callSid, report, emit, fail);

  // 5. After the stream, Twilio follows <Connect action> or the TwiML after </Connect>.
  const after = verbs.slice(connectIndex + 1);
  const redirect = after.find((v) => v.verb === "Redirect");
  const nextUrl =
    connect.action ?? (redirect && redirect.verb === "Redirect" ? redirect.url : null);
  if (nextUrl) {
    const method =
      redirect && redirect.verb === "Redirect" && !connect.action ? redirect.method : "POST";
    const publicUrl = new URL(nextUrl, voiceUrl).toString();
    try {
      const res = await postSignedWebhook(
        publicUrl,
        toLocalUrl(publicUrl, publicBase, base),
        options.authToken,
        voiceWebhookParams(options, callSid, "in-progress"),
        method,
      );
      const t = parseTwiml(res.text);
      report.continuation = {
        url: publicUrl,
        status: res.status,
        twimlText: res.text,
        twiml: t.ok ? t.twiml : null,
      };
      emit({
        type: "continuation",
        url: publicUrl,
        status: res.status,
        twiml: report.continuation.twiml,
      });
    } catch (err) {
      fail(`continuation ${publicUrl} failed: ${String(err)}`);
    }
  }
  report.endedAt = now();
  return report;
}

async function runStream(
  options: SimulateCallOptions,
  stream: TwimlStream,
  callSid: string,
  report: CallReport,
  emit: (e: CallEvent) => void,
  fail: (message: string) => void,
): Promise<void> {
  report.streamUrl = stream.url;
  const streamSid = `MZ${randomHex(32)}`;
  report.streamSid = streamSid;
  const signature = twilio.getExpectedTwilioSignature(options.authToken, stream.url, {});
  const localUrl = toLocalUrl(stream.url, options.publicBaseUrl, options.baseUrl);
  const ws = new WebSocket(localUrl, { headers: { "X-Twilio-Signature": signature } });

  let seq = 0;
  const nextSeq = (): string => String(++seq);
  let open = false;
  const send = (message: DocumentedTwilioInboundMessage): void => {
    if (open && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  // Playout: agent audio is consumed at 8 bytes/ms; marks wait their turn.
  let queue: PlayoutEntry[] = [];
  let lastTick = now();
  const echoMark = (name: string, cleared: boolean): void => {
    const msg: DocumentedTwilioMarkMessage = {
      event: "mark",
      sequenceNumber: nextSeq(),
      streamSid,
      mark: { name },
    };
    send(msg);
    report.marksEchoed.push({ name, at: now(), cleared });
    emit({ type: "mark_echoed", name, cleared });
  };
  const tick = (): void => {
    const t = now();
    let budget = (t - lastTick) * BYTES_PER_MS;
    lastTick = t;
    for (let head = queue[0]; head; head = queue[0]) {
      if (head.kind === "mark") {
        queue.shift();
        echoMark(head.name, false);
        continue;
      }
      if (budget <= 0) break;
      const take = Math.min(head.remaining, budget);
      head.remaining -= take;
      budget -= take;
      report.playedBytes += take;
      if (head.remaining <= 0) queue.shift();
    }
  };
  // The playout clock runs only while something is queued (a timer per idle call is waste).
  let playout: ReturnType<typeof setInterval> | null = null;
  const playoutTick = (): void => {
    tick();
    if (queue.length === 0 && playout) {
      if (playout) clearInterval(playout);
      playout = null;
    }
  };
  const enqueue = (entry: PlayoutEntry): void => {
    queue.push(entry);
    playout ??= setInterval(playoutTick, 5);
  };

  const onMessage = (data: RawData, isBinary: boolean): void => {
    if (isBinary) {
      fail("platform sent a binary frame");
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString("utf8")
      : Array.isArray(data)
        ? Buffer.concat(data).toString("utf8")
        : Buffer.from(data).toString("utf8");
    const parsed = parseOutboundFast(text) ?? parseTwilioOutboundMessage(text);
    if (!parsed.ok) {
      fail(`invalid message from platform: ${parsed.reason}`);
      return;
    }
    const msg = parsed.message;
    if (msg.streamSid !== streamSid) {
      fail(`message for stream ${msg.streamSid}, expected ${streamSid}`);
      return;
    }
    switch (msg.event) {
      case "media": {
        const bytes = base64Length(msg.media.payload);
        const at = now();
        report.agentMedia.push({ at, bytes, offsetBytes: report.agentAudioBytes });
        report.agentAudioBytes += bytes;
        // Playout (re)starts now if it was idle, rather than "catching up" on idle time.
        if (queue.length === 0) lastTick = at;
        enqueue({ kind: "audio", remaining: bytes });
        emit({ type: "agent_media", at, bytes });
        return;
      }
      case "mark":
        enqueue({ kind: "mark", name: msg.mark.name });
        return;
      case "clear": {
        const dropped = queue.reduce((n, e) => n + (e.kind === "audio" ? e.remaining : 0), 0);
        const pending = queue.filter((e) => e.kind === "mark");
        queue = [];
        report.clears.push({ at: now(), droppedBytes: dropped });
        emit({ type: "clear", droppedBytes: dropped });
        for (const m of pending) if (m.kind === "mark") echoMark(m.name, true);
        return;
      }
      default:
        assertNever(msg);
    }
  };

  const closed = new Promise<void>((resolve) => {
    ws.on("close", (code: number) => {
      open = false;
      report.closeCode = code;
      report.closedBy ??= "platform";
      emit({ type: "stream_closed", code, by: report.closedBy });
      resolve();
    });
  });
  ws.on("message", onMessage);
  ws.on("error", (err: Error) => fail(`stream socket error: ${err.message}`));
  ws.on("unexpected-response", (_req, res) => {
    fail(`stream handshake refused: HTTP ${res.statusCode ?? 0}`);
    ws.terminate();
  });

  const opened = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    ws.once("open", () => {
      clearTimeout(timer);
      resolve(true);
    });
    ws.once("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!opened) {
    if (playout) clearInterval(playout);
    if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
    fail("stream did not open");
    return;
  }
  open = true;
  emit({ type: "stream_open", url: localUrl });

  const connected: DocumentedTwilioConnectedMessage = {
    event: "connected",
    protocol: "Call",
    version: "1.0.0",
  };
  send(connected);
  const start: DocumentedTwilioStartMessage = {
    event: "start",
    sequenceNumber: nextSeq(),
    streamSid,
    start: {
      streamSid,
      accountSid: options.accountSid,
      callSid,
      tracks: ["inbound"],
      customParameters: stream.parameters,
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    },
  };
  send(start);

  // Caller audio: the lines as speech-like audio, silence between them.
  const lines = (options.lines ?? []).map((l, i) => ({
    start: l.afterMs * BYTES_PER_MS,
    audio: speechLike(l.audioMs ?? Math.max(600, l.text.length * 70), i + 1),
  }));
  const dtmf = [...(options.dtmf ?? [])].sort((a, b) => a.afterMs - b.afterMs);
  const totalFrames = Math.ceil(options.durationMs / FRAME_MS);
  const t0 = now();
  for (let k = 0; k < totalFrames && open; k++) {
    // Real time with drift correction: frame k leaves at t0 + 20k ms.
    await sleep(t0 + k * FRAME_MS - now());
    if (!open) break;
    const frame = silenceFrame();
    const frameStart = k * FRAME_BYTES;
    for (const line of lines) {
      const from = frameStart - line.start;
      if (from + FRAME_BYTES <= 0 || from >= line.audio.length) continue;
      const src = line.audio.subarray(
        Math.max(0, from),
        Math.min(line.audio.length, from + FRAME_BYTES),
      );
      frame.set(src, Math.max(0, -from));
    }
    const media: DocumentedTwilioMediaMessage = {
      event: "media",
      sequenceNumber: nextSeq(),
      streamSid,
      media: {
        track: "inbound",
        chunk: String(k + 1),
        timestamp: String(k * FRAME_MS),
        payload: toBase64(frame),
      },
    };
    send(media);
    report.frameSentAt.push(now());
    report.framesSent += 1;
    while (dtmf[0] && dtmf[0].afterMs <= k * FRAME_MS) {
      const d = dtmf.shift();
      if (d) {
        send(twilioDtmfMessage(streamSid, ++seq, d.digit));
        report.dtmfSent += 1;
      }
    }
  }

  if (open) {
    report.closedBy = "caller";
    const stop: DocumentedTwilioStopMessage = {
      event: "stop",
      sequenceNumber: nextSeq(),
      streamSid,
      stop: { accountSid: options.accountSid, callSid },
    };
    send(stop);
    ws.close(1000, "call ended");
  }
  await Promise.race([closed, sleep(5_000)]);
  if (playout) clearInterval(playout);
  if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
}

// ---- CLI ----

function args(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    const v = process.argv[i + 1];
    if (a === name && v !== undefined) out.push(v);
  });
  return out;
}

function arg(name: string, fallback?: string): string {
  const v = args(name)[0] ?? fallback;
  if (v === undefined) throw new Error(`missing ${name}`);
  return v;
}

/** "ms:rest" → [ms, rest] */
function timed(s: string): [number, string] {
  const i = s.indexOf(":");
  return [Number(s.slice(0, i)), s.slice(i + 1)];
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const env = process.env;
  simulateCall({
    baseUrl: arg("--base", "http://127.0.0.1:8787"),
    publicBaseUrl: arg("--public", env["PUBLIC_BASE_URL"]),
    authToken: arg("--token", env["TWILIO_AUTH_TOKEN"]),
    accountSid: arg("--account", env["TWILIO_ACCOUNT_SID"] ?? "AC00000000000000000000000000000000"),
    from: arg("--from", "+15555550100"),
    to: arg("--to"),
    durationMs: Number(arg("--duration", "15000")),
    lines: args("--line").map((s) => {
      const [afterMs, text] = timed(s);
      return { afterMs, text };
    }),
    dtmf: args("--dtmf").map((s) => {
      const [afterMs, digit] = timed(s);
      return { afterMs, digit };
    }),
    onEvent: (e) => {
      if (e.type !== "agent_media") console.log(JSON.stringify(e));
    },
  })
    .then((r) => {
      const { agentMedia: _media, twimlText: _text, ...summary } = r;
      console.log(JSON.stringify(summary, null, 2));
      process.exit(r.errors.length === 0 ? 0 : 1);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
