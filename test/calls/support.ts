/**
 * Acting as Twilio and driving the Realtime simulator from tests.
 * - `twilioPost`: a form webhook signed as Twilio signs it (over the public URL).
 * - `FakeTwilio`: the Media Streams side of a call through `SELF.fetch` (upgrade), recording
 *   what the platform sends and echoing marks as Twilio does at playout (or on demand).
 * - `useScript` / `simSessions`: per-key scripts in the simulator (test/setup/global-sims.ts).
 */
import { env, runDurableObjectAlarm, runInDurableObject, SELF } from "cloudflare:test";
import { vi } from "vitest";
import type {
  DocumentedTwilioInboundMessage,
  TwilioOutboundMessage,
} from "../../durable-objects/call-session/protocol/twilio-media.schema";
import { parseTwilioOutboundMessage } from "../../durable-objects/call-session/protocol/twilio-media.schema";
import type { RealtimeScript, SessionLog } from "../../tools/sim/realtime-server";
import type { CallSession } from "../../durable-objects/call-session/call-session.do";
import type { CallMeta } from "../../durable-objects/call-session/storage";
import { CallStore } from "../../durable-objects/call-session/storage";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { setTenantSecret } from "../../workers/secrets/tenant-secrets";
import { computeTwilioSignature } from "../../workers/twilio/signature";
import { BASE } from "../support/api";

export const PLATFORM_TOKEN = "test-twilio-auth-token";

let sidCounter = 0;
export function newCallSid(): string {
  sidCounter += 1;
  const random = crypto.randomUUID().replace(/-/g, "");
  return `CA${random.slice(0, 28)}${String(sidCounter).padStart(4, "0")}`;
}

export async function twilioPost(
  path: string,
  params: Record<string, string>,
  options: { token?: string; signature?: string | null } = {},
): Promise<Response> {
  const signature =
    options.signature === undefined
      ? await computeTwilioSignature(options.token ?? PLATFORM_TOKEN, BASE + path, params)
      : options.signature;
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return SELF.fetch(BASE + path, {
    method: "POST",
    headers,
    body: new URLSearchParams(params).toString(),
  });
}

export interface Answered {
  twiml: string;
  token: string;
  streamUrl: string;
}

export async function placeCall(
  to: string,
  callSid: string,
  from = "+19495550100",
): Promise<Answered> {
  const res = await twilioPost("/twilio/voice", {
    CallSid: callSid,
    AccountSid: "ACtest00000000000000000000000000000",
    From: from,
    To: to,
    CallStatus: "ringing",
    Direction: "inbound",
  });
  const twiml = await res.text();
  if (res.status !== 200) throw new Error(`voice webhook answered ${res.status}: ${twiml}`);
  const token = /<Parameter name="token" value="([^"]+)"\/>/.exec(twiml)?.[1] ?? "";
  const streamUrl = /<Stream url="([^"]+)"/.exec(twiml)?.[1] ?? "";
  return { twiml, token, streamUrl };
}

// ---- Realtime simulator ----

function simOrigin(): string {
  return new URL(env.OPENAI_BASE_URL).origin;
}

/** Gives the tenant its own OpenAI key and makes the simulator follow `script` for it. */
export async function useScript(tenantId: string, script: RealtimeScript): Promise<string> {
  const apiKey = `sk-test-${crypto.randomUUID()}`;
  await setTenantSecret(env, tenantId, "openai_api_key", apiKey);
  const res = await fetch(`${simOrigin()}/__sim/scripts`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ apiKey, script }),
  });
  if (res.status !== 201) throw new Error(`simulator refused the script: ${await res.text()}`);
  return apiKey;
}

export async function simSessions(apiKey: string): Promise<SessionLog[]> {
  const res = await fetch(`${simOrigin()}/__sim/sessions?apiKey=${encodeURIComponent(apiKey)}`);
  return (await res.json<{ sessions: SessionLog[] }>()).sessions;
}

// ---- Twilio's side of the stream ----

export const FRAME_BYTES = 160;

export function frame(fill = 0x7f): string {
  let binary = "";
  for (let i = 0; i < FRAME_BYTES; i++) binary += String.fromCharCode(fill);
  return btoa(binary);
}

export class FakeTwilio {
  readonly received: TwilioOutboundMessage[] = [];
  readonly streamSid = `MZ${crypto.randomUUID().replace(/-/g, "")}`;
  closed: { code: number; reason: string } | null = null;
  /** Echo marks the moment they arrive (instant playout) unless a test holds them. */
  autoEcho = true;
  #pendingMarks: string[] = [];
  #seq = 0;

  private constructor(
    readonly ws: WebSocket,
    readonly callSid: string,
  ) {
    ws.addEventListener("message", (e) => {
      if (typeof e.data !== "string") return;
      const parsed = parseTwilioOutboundMessage(e.data);
      if (!parsed.ok) throw new Error(`platform sent Twilio an invalid message: ${parsed.reason}`);
      const message = parsed.message;
      this.received.push(message);
      if (message.event === "mark") {
        if (this.autoEcho) this.#echo(message.mark.name);
        else this.#pendingMarks.push(message.mark.name);
      } else if (message.event === "clear") {
        // Twilio echoes every pending mark at once after a clear.
        for (const name of this.#pendingMarks.splice(0)) this.#echo(name);
      }
    });
    ws.addEventListener("close", (e) => {
      this.closed = { code: e.code, reason: e.reason };
    });
  }

  static async connect(
    callSid: string,
    options: { signature?: string | null; token?: string } = {},
  ): Promise<FakeTwilio> {
    const url = `${BASE}/twilio/media/${callSid}`;
    const wssUrl = url.replace(/^https/, "wss");
    const signature =
      options.signature === undefined
        ? await computeTwilioSignature(options.token ?? PLATFORM_TOKEN, wssUrl, {})
        : options.signature;
    const headers: Record<string, string> = { Upgrade: "websocket" };
    if (signature !== null) headers["X-Twilio-Signature"] = signature;
    const res = await SELF.fetch(url, { headers });
    const ws = res.webSocket;
    if (!ws) throw new Error(`stream upgrade answered ${res.status}`);
    ws.accept();
    return new FakeTwilio(ws, callSid);
  }

  /**
   * A message as Twilio documents it (the shared schema type, so a changed field fails tsc here).
   * Like Twilio, sends nothing once the platform has closed the stream (echoes may still be due).
   */
  send(message: DocumentedTwilioInboundMessage): void {
    this.sendOffSpec(message);
  }

  /** A frame that strays from the documentation on purpose (drift and malformed-frame tests). */
  sendOffSpec(message: Record<string, unknown>): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(message));
  }

  #next(): string {
    this.#seq += 1;
    return String(this.#seq);
  }

  #echo(name: string): void {
    this.send({
      event: "mark",
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      mark: { name },
    });
  }

  start(token: string, callSid = this.callSid): void {
    this.send({ event: "connected", protocol: "Call", version: "1.0.0" });
    this.send({
      event: "start",
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      start: {
        streamSid: this.streamSid,
        accountSid: "ACtest00000000000000000000000000000",
        callSid,
        tracks: ["inbound"],
        customParameters: { token, callSid },
        mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
      },
    });
  }

  media(payload = frame(), count = 1): void {
    for (let i = 0; i < count; i++) {
      const seq = this.#next();
      this.send({
        event: "media",
        sequenceNumber: seq,
        streamSid: this.streamSid,
        media: { track: "inbound", chunk: seq, timestamp: String(Number(seq) * 20), payload },
      });
    }
  }

  /** A keypad press, as Twilio reports it. */
  dtmf(digit: string): void {
    this.send({
      event: "dtmf",
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      dtmf: { track: "inbound_track", digit },
    });
  }

  stop(): void {
    this.send({
      event: "stop",
      sequenceNumber: this.#next(),
      streamSid: this.streamSid,
      stop: { accountSid: "ACtest00000000000000000000000000000", callSid: this.callSid },
    });
  }

  /** Echoes held marks (playout reached them), oldest first. */
  play(count: number): void {
    for (const name of this.#pendingMarks.splice(0, count)) this.#echo(name);
  }

  get pendingMarks(): number {
    return this.#pendingMarks.length;
  }

  agentMedia(): { payload: string; streamSid: string }[] {
    return this.received.flatMap((m) =>
      m.event === "media" ? [{ payload: m.media.payload, streamSid: m.streamSid }] : [],
    );
  }

  close(): void {
    try {
      this.ws.close(1000, "done");
    } catch {
      // Already closed by the platform.
    }
  }
}

/** Polls until `fn` gives a truthy value, and returns it (generous: a loaded CI machine is slow). */
export function until<T>(
  fn: () => T | Promise<T>,
  timeout = 15_000,
): Promise<Exclude<T, null | undefined | false | 0 | "">> {
  return vi.waitFor(
    async () => {
      const value = await fn();
      if (!value) throw new Error("not yet");
      return value as Exclude<T, null | undefined | false | 0 | "">;
    },
    { timeout, interval: 20 },
  );
}

// ---- the call object ----

/** The tenant's data, as the platform sees it (for reading the call log). */
export async function tenantCtx(tenantId: string): Promise<TenantContext> {
  const resolved = await resolveTenant(env, { kind: "queue", tenantId });
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.ctx;
}

function callObject(callSid: string) {
  return env.CALL_SESSION.get(env.CALL_SESSION.idFromName(callSid));
}

/** The call object's stored state (null before a stream started). */
export function callMeta(callSid: string): Promise<CallMeta | null> {
  return runInDurableObject(callObject(callSid), (_instance: CallSession, state) =>
    new CallStore(state.storage.kv).meta(),
  );
}

/**
 * Time passes for one of the call's deadlines: it is moved to now, and the object's alarm runs
 * (as it would when the deadline came), so tests need not wait minutes.
 */
export async function reachDeadline(
  callSid: string,
  deadline: "rolloverAt" | "hangupAt" | "detachedAt",
): Promise<void> {
  const object = callObject(callSid);
  await runInDurableObject(object, (_instance: CallSession, state) => {
    new CallStore(state.storage.kv).updateMeta((m) => {
      // A lost stream has a grace period after detachedAt; move it back past that.
      m[deadline] = deadline === "detachedAt" ? Date.now() - 3_600_000 : Date.now() - 1;
    });
  });
  await runDurableObjectAlarm(object);
}
