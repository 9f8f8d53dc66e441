/**
 * The Realtime simulator behind a recording relay: the platform connects to the relay's port,
 * the relay forwards every frame to the simulator and keeps the client's events, so a test can
 * read exactly what the platform sent (session.update and the greeting's response.create).
 */
import { createServer } from "node:http";
import { WebSocket, WebSocketServer } from "ws";
import { startRealtimeSimulator } from "../../../tools/sim/realtime-server";
import type { ChatOptions, RealtimeScript } from "../../../tools/sim/realtime-server";

export interface RecordedEvent {
  type: string;
  [key: string]: unknown;
}

export interface RealtimeRecorder {
  /** Client events of every session, in order. */
  sessions: RecordedEvent[][];
  close(): Promise<void>;
}

export async function startRealtimeRecorder(
  port: number,
  script: RealtimeScript,
  /** What the simulator's chat endpoint answers (the post-call job's structured requests). */
  chat?: ChatOptions,
): Promise<RealtimeRecorder> {
  const sim = await startRealtimeSimulator({ port: 0, script, ...(chat ? { chat } : {}) });
  const upstream = `127.0.0.1:${sim.port}`;
  const sessions: RecordedEvent[][] = [];
  const server = createServer((req, res) => {
    // REST calls (post-call summaries, embeddings) pass through unrecorded.
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === "string" && k !== "host") headers[k] = v;
      fetch(`http://${upstream}${req.url ?? "/"}`, {
        method: req.method,
        headers,
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
        .then(async (answer) => {
          res.writeHead(answer.status, {
            "content-type": answer.headers.get("content-type") ?? "application/json",
          });
          res.end(Buffer.from(await answer.arrayBuffer()));
        })
        .catch(() => {
          res.writeHead(502);
          res.end();
        });
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    const events: RecordedEvent[] = [];
    sessions.push(events);
    const target = new WebSocket(`ws://${upstream}${req.url ?? "/"}`, {
      headers: { authorization: req.headers.authorization ?? "" },
    });
    const pending: (string | Buffer)[] = [];
    wss.handleUpgrade(req, socket, head, (client) => {
      client.on("message", (data: Buffer, isBinary) => {
        if (!isBinary) {
          try {
            events.push(JSON.parse(data.toString()) as RecordedEvent);
          } catch {
            events.push({ type: "unparseable" });
          }
        }
        const frame = isBinary ? data : data.toString();
        if (target.readyState === WebSocket.OPEN) target.send(frame);
        else pending.push(frame);
      });
      target.on("open", () => {
        for (const frame of pending.splice(0)) target.send(frame);
      });
      target.on("message", (data: Buffer, isBinary) => {
        if (client.readyState === WebSocket.OPEN) client.send(isBinary ? data : data.toString());
      });
      target.on("close", () => client.close());
      target.on("error", () => client.close());
      client.on("close", () => target.close());
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    sessions,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sim.close();
    },
  };
}
