/**
 * One shard of the Realtime simulator for `npm run bench:calls`, run as a cluster worker
 * (bench/realtime-fleet.ts). Every shard listens on the same port: the cluster's primary accepts
 * each connection and hands the socket to the shards in turn, so each model session lives on one
 * shard's event loop and its arrival times are stamped there, away from the bench's main thread.
 *
 * IPC (process.send): replies `{ type: "ready", port }` once listening; answers
 * `{ type: "sessions" }` with the sessions opened since the last such request, `{ type: "stats" }`
 * with CPU and event-loop figures since the previous `stats`, and exits on `{ type: "close" }`.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { startRealtimeSimulator } from "../tools/sim/realtime-server";
import type { ShardReply, ShardRequest, ShardSetup } from "./realtime-fleet";

const setup = JSON.parse(process.env.REALTIME_SHARD ?? "{}") as ShardSetup;

function reply(message: ShardReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const sim = await startRealtimeSimulator({
    port: 0,
    script: { steps: [], load: setup.load },
    expectedApiKey: setup.expectedApiKey,
  });
  let sessionCursor = 0;
  let lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let elu = performance.eventLoopUtilization();
  let cpu = process.cpuUsage();
  process.on("message", (message: ShardRequest) => {
    if (message.type === "sessions") {
      const sessions = sim.sessions.slice(sessionCursor);
      sessionCursor = sim.sessions.length;
      reply({ type: "sessions", sessions });
    } else if (message.type === "stats") {
      const used = process.cpuUsage(cpu);
      reply({
        type: "stats",
        cpuSeconds: (used.user + used.system) / 1e6,
        utilisation: performance.eventLoopUtilization(elu).utilization,
        lagP99Ms: lag.percentile(99) / 1e6,
        lagMaxMs: lag.max / 1e6,
      });
      lag.disable();
      lag = monitorEventLoopDelay({ resolution: 10 });
      lag.enable();
      elu = performance.eventLoopUtilization();
      cpu = process.cpuUsage();
    } else if (message.type === "close") {
      void sim.close().finally(() => process.exit(0));
    }
  });
  // The cluster shares one port among the shards; the primary learns it from the first shard.
  reply({ type: "ready", port: sim.port });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
