/**
 * One load-generator thread of `bench:calls`: runs its share of the simulated Twilio callers
 * (tools/sim/twilio-caller.ts) and posts back their reports with its own event-loop figures.
 * Callers run in several worker threads so that one saturated event loop cannot pass its delay
 * off as relay latency; the figures it reports say whether it kept up.
 *
 * Timestamps use `performance.timeOrigin + performance.now()`, which agrees across the threads
 * of a process (to a few microseconds), so the main thread can pair them with the Realtime
 * simulator's.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import type { CallReport } from "../tools/sim/twilio-caller";
import { now, simulateCall } from "../tools/sim/twilio-caller";

export interface CallLoadJob {
  baseUrl: string;
  accountSid: string;
  authToken: string;
  to: string;
  calls: { index: number; from: string; delayMs: number; durationMs: number }[];
}

export interface CallLoadResult {
  runs: { index: number; report: CallReport; streamOpenAt: number }[];
  /** Share of the thread's time its event loop was busy, during the calls. */
  utilisation: number;
  lagP99Ms: number;
  lagMaxMs: number;
}

async function run(job: CallLoadJob): Promise<CallLoadResult> {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const elu = performance.eventLoopUtilization();
  const runs = await Promise.all(
    job.calls.map(async (call) => {
      await new Promise((r) => setTimeout(r, call.delayMs));
      let streamOpenAt = Number.NaN;
      const report = await simulateCall({
        baseUrl: job.baseUrl,
        publicBaseUrl: job.baseUrl,
        accountSid: job.accountSid,
        authToken: job.authToken,
        from: call.from,
        to: job.to,
        durationMs: call.durationMs,
        onEvent: (e) => {
          if (e.type === "stream_open") streamOpenAt = now();
        },
      });
      return { index: call.index, report, streamOpenAt };
    }),
  );
  lag.disable();
  return {
    runs,
    utilisation: performance.eventLoopUtilization(elu).utilization,
    lagP99Ms: lag.percentile(99) / 1e6,
    lagMaxMs: lag.max / 1e6,
  };
}

if (parentPort) {
  const port = parentPort;
  run(workerData as CallLoadJob).then(
    (result) => port.postMessage({ ok: true, result }),
    (err: unknown) => port.postMessage({ ok: false, error: String(err) }),
  );
}
