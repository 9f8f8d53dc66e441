/**
 * The Realtime simulator for `npm run bench:calls`, sharded over cluster workers
 * (bench/realtime-shard.ts) so that the model side's event loops are not the bench's main
 * thread: with one simulator in the main thread (next to the Twilio REST simulator), its own
 * event-loop delay was inside every relay latency it stamped.
 *
 * Node cannot hand a socket to a worker thread, but a cluster's primary hands each accepted
 * connection to a worker process (round robin): all shards listen on one port, which is the
 * platform's single OPENAI_REALTIME_URL. Each session's events are stamped on its shard's loop
 * at the ws `message` event, before parsing. Shards' clocks are `performance.timeOrigin + now()`
 * (wall-clock ms), like the callers' threads.
 */
import cluster from "node:cluster";
import type { Worker } from "node:cluster";
import type { SessionLog } from "../tools/sim/realtime-server";

export interface ShardSetup {
  load: { answerMs: number; everyMs: number };
  expectedApiKey: string;
}

export type ShardRequest = { type: "sessions" } | { type: "stats" } | { type: "close" };

export interface ShardStats {
  cpuSeconds: number;
  utilisation: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

export type ShardReply =
  | { type: "ready"; port: number }
  | { type: "sessions"; sessions: SessionLog[] }
  | ({ type: "stats" } & ShardStats);

export interface RealtimeFleet {
  url: string;
  httpBaseUrl: string;
  pids: number[];
  /** Sessions opened (on any shard) since the previous call, by opening time. */
  newSessions(): Promise<SessionLog[]>;
  /** Each shard's CPU and event-loop figures since the previous call. */
  stats(): Promise<ShardStats[]>;
  close(): Promise<void>;
}

function ask<T extends ShardReply["type"]>(
  worker: Worker,
  request: ShardRequest,
  type: T,
): Promise<Extract<ShardReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ShardReply) => {
      if (message.type !== type) return;
      worker.off("message", onMessage);
      worker.off("exit", onExit);
      resolve(message as Extract<ShardReply, { type: T }>);
    };
    const onExit = (code: number) => {
      worker.off("message", onMessage);
      reject(new Error(`Realtime shard ${worker.process.pid ?? "?"} exited (${code})`));
    };
    worker.on("message", onMessage);
    worker.once("exit", onExit);
    worker.send(request);
  });
}

export async function startRealtimeFleet(
  shards: number,
  setup: ShardSetup,
): Promise<RealtimeFleet> {
  cluster.setupPrimary({
    exec: new URL("./realtime-shard.ts", import.meta.url).pathname,
    args: [],
    // Under tsx, execArgv carries its loader, so the shard runs TypeScript too.
    execArgv: process.execArgv,
  });
  const workers = Array.from({ length: shards }, () =>
    cluster.fork({ REALTIME_SHARD: JSON.stringify(setup) }),
  );
  const ports = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          worker.once("message", (m: ShardReply) => {
            if (m.type === "ready") resolve(m.port);
          });
          worker.once("exit", (code) => reject(new Error(`Realtime shard exited (${code})`)));
        }),
    ),
  );
  const port = ports[0] ?? 0;
  if (ports.some((p) => p !== port))
    throw new Error(`Realtime shards on different ports: ${ports.join(", ")}`);
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    httpBaseUrl: `http://127.0.0.1:${port}/v1`,
    pids: workers.map((w) => w.process.pid ?? 0),
    newSessions: async () => {
      const replies = await Promise.all(
        workers.map((w) => ask(w, { type: "sessions" }, "sessions")),
      );
      return replies.flatMap((r) => r.sessions).sort((a, b) => a.openedAt - b.openedAt);
    },
    stats: async () => {
      const replies = await Promise.all(workers.map((w) => ask(w, { type: "stats" }, "stats")));
      return replies.map(({ type: _type, ...stats }) => stats);
    },
    close: async () => {
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once("exit", () => resolve());
              w.send({ type: "close" });
            }),
        ),
      );
    },
  };
}
