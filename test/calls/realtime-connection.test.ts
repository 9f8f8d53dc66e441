import { describe, expect, inject, it } from "vitest";
import {
  openRealtimeSocket,
  sendEvent,
} from "../../durable-objects/call-session/realtime-connection";
import { sessionUpdate } from "../../durable-objects/call-session/protocol/realtime.schema";
import { unhandledRejectionsDuring } from "../support/unhandled";

function nextMessage(socket: WebSocket, type: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string" && event.data.includes(`"type":"${type}"`)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    socket.addEventListener("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

describe("the Realtime socket", () => {
  it("stays open after the handshake deadline has passed, so long calls keep their model session", async () => {
    const opened = await openRealtimeSocket({
      url: inject("realtimeSimUrl"),
      model: "gpt-realtime",
      apiKey: "sk-test-long-call",
      timeoutMs: 150,
    });
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    await new Promise((r) => setTimeout(r, 400));
    const answered = nextMessage(opened.socket, "session.updated", 2_000);
    sendEvent(
      opened.socket,
      sessionUpdate({
        instructions: "hi",
        voice: "marin",
        tools: [],
        inputTranscriptionModel: "gpt-4o-mini-transcribe",
      }),
    );
    expect(await answered).toBe(true);
    opened.socket.close(1000, "done");
  });

  it("answers a refused handshake with a reason instead of throwing", async () => {
    const wrongPath = inject("realtimeSimUrl").replace("/v1/realtime", "/v1/not-realtime");
    const opened = await openRealtimeSocket({
      url: wrongPath,
      model: "gpt-realtime",
      apiKey: "k",
      timeoutMs: 2_000,
    });
    expect(opened).toEqual({
      ok: false,
      reason: expect.stringMatching(/^handshake answered 4\d\d$/) as unknown,
    });
  });

  it.each([
    ["cannot be resolved", "wss://no-such-host.invalid/v1/realtime"],
    ["refuses the connection", "ws://127.0.0.1:9/v1/realtime"],
  ])("answers with a reason, leaving nothing unhandled, when the host %s", async (_case, url) => {
    const { result, unhandled } = await unhandledRejectionsDuring(() =>
      openRealtimeSocket({ url, model: "gpt-realtime", apiKey: "sk-offline", timeoutMs: 2_000 }),
    );
    expect(result).toEqual({ ok: false, reason: expect.any(String) as unknown });
    expect(JSON.stringify(result)).not.toContain("sk-offline");
    expect(unhandled).toEqual([]);
  });
});
