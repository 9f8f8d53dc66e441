/**
 * The Twilio side of one Media Stream: frames parsed (malformed ones logged and skipped, the
 * call goes on; drift from the documented shape in fields we do not read logged once), routed to handlers by event, and our messages sent back. The switch is
 * exhaustive: a new message type in the schema must be routed here.
 */
import type { WithCallFields } from "../../workers/observability/log-events";
import { log } from "../../workers/observability/log";
import { assertNever } from "./protocol/assert-never";
import type {
  TwilioInboundMessage,
  TwilioOutboundMessage,
  TwilioStartMessage,
} from "./protocol/twilio-media.schema";
import { parseTwilioMessage } from "./protocol/twilio-media.schema";
import { parseOrUndefined, readMarkEcho, readMediaFrame } from "./hot-path";
import { DriftLog } from "./protocol/drift";

export interface TwilioStreamHandlers {
  fields: WithCallFields;
  /** A failure here is logged and closes the stream (1011): the <Redirect> takes over. */
  start(message: TwilioStartMessage): Promise<void>;
  /** One 20 ms frame of the caller's audio (inbound track only). */
  callerAudio(payload: string): void;
  markPlayed(name: string): void;
  digit(digit: string): void;
  stop(): Promise<void>;
  /** The socket closed or failed without a `stop`. */
  lost(): void;
}

export class TwilioStream {
  readonly #drift: DriftLog;

  constructor(
    private readonly socket: WebSocket,
    private readonly on: TwilioStreamHandlers,
  ) {
    this.#drift = new DriftLog("twilio", (extra) => on.fields(extra));
    socket.addEventListener("message", (e) => this.#onFrame(e.data as unknown));
    socket.addEventListener("close", () => on.lost());
    socket.addEventListener("error", () => on.lost());
  }

  send(message: TwilioOutboundMessage): void {
    try {
      this.socket.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close handler decides what happens to the call.
    }
  }

  close(code: number, reason: string): void {
    try {
      this.socket.close(code, reason);
    } catch {
      // Already closed.
    }
  }

  #onFrame(data: unknown): void {
    if (typeof data === "string") {
      // Hot path: well-formed media frames and mark echoes go straight to their handlers
      // (hot-path.ts); everything else through the schema.
      const json = parseOrUndefined(data);
      const frame = readMediaFrame(json);
      if (frame) {
        if (frame.drift.length > 0) this.#drift.report("media", frame.drift);
        if (frame.track === "inbound") this.on.callerAudio(frame.payload);
        return;
      }
      const mark = readMarkEcho(json);
      if (mark) {
        if (mark.drift.length > 0) this.#drift.report("mark", mark.drift);
        this.on.markPlayed(mark.name);
        return;
      }
    }
    const parsed =
      typeof data === "string"
        ? parseTwilioMessage(data)
        : { ok: false as const, reason: "binary frame" };
    if (!parsed.ok) {
      log("warn", "call.stream_message_skipped", this.on.fields({ reason: parsed.reason }));
      return;
    }
    if (parsed.drift.length > 0) this.#drift.report(parsed.message.event, parsed.drift);
    this.#route(parsed.message);
  }

  #route(message: TwilioInboundMessage): void {
    switch (message.event) {
      case "connected":
        return;
      case "start":
        this.on.start(message).catch((err: unknown) => {
          log("error", "call.start_failed", this.on.fields({ message: errorText(err) }));
          this.close(1011, "internal error");
        });
        return;
      case "media":
        if (message.media.track === "inbound") this.on.callerAudio(message.media.payload);
        return;
      case "mark":
        this.on.markPlayed(message.mark.name);
        return;
      case "dtmf":
        this.on.digit(message.dtmf.digit);
        return;
      case "stop":
        this.on.stop().catch((err: unknown) => {
          log("error", "call.stop_failed", this.on.fields({ message: errorText(err) }));
        });
        return;
      default:
        assertNever(message);
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
