/**
 * Opening the OpenAI Realtime socket from a Durable Object: an outbound WebSocket is a `fetch`
 * with `Upgrade: websocket` to the http(s) form of the URL. GA endpoint, model as `?model=`.
 */
import type { RealtimeClientEvent } from "./protocol/realtime.schema";

export const DEFAULT_REALTIME_URL = "wss://api.openai.com/v1/realtime";
export const DEFAULT_REALTIME_MODEL = "gpt-realtime";

export type RealtimeOpen = { ok: true; socket: WebSocket } | { ok: false; reason: string };

export function realtimeHttpUrl(realtimeUrl: string | undefined, model: string): string {
  const url = new URL(realtimeUrl || DEFAULT_REALTIME_URL);
  url.searchParams.set("model", model);
  if (url.protocol === "wss:") url.protocol = "https:";
  else if (url.protocol === "ws:") url.protocol = "http:";
  return url.toString();
}

export async function openRealtimeSocket(options: {
  url: string | undefined;
  model: string;
  apiKey: string;
  timeoutMs?: number;
}): Promise<RealtimeOpen> {
  // A deadline for the handshake only. workerd keeps a fetch's signal attached to the
  // WebSocket it returns, so an AbortSignal.timeout() would also kill the open socket later.
  const handshake = new AbortController();
  const deadline = setTimeout(() => handshake.abort(), options.timeoutMs ?? 5_000);
  try {
    const res = await fetch(realtimeHttpUrl(options.url, options.model), {
      headers: { Upgrade: "websocket", Authorization: `Bearer ${options.apiKey}` },
      signal: handshake.signal,
    });
    clearTimeout(deadline);
    const socket = res.webSocket;
    if (res.status !== 101 || !socket) {
      // The body may be a JSON error from the API; its status is enough for the log.
      await res.body?.cancel();
      return { ok: false, reason: `handshake answered ${res.status}` };
    }
    socket.accept();
    return { ok: true, socket };
  } catch (err) {
    clearTimeout(deadline);
    return { ok: false, reason: err instanceof Error ? err.name : "network error" };
  }
}

export function sendEvent(socket: WebSocket, event: RealtimeClientEvent): boolean {
  try {
    socket.send(JSON.stringify(event));
    return true;
  } catch {
    return false;
  }
}
