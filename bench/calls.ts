/**
 * `npm run bench:calls -- --calls N --seconds S [--pin]`: N concurrent simulated calls through
 * the real local runtime (wrangler dev / workerd), each S seconds long.
 *
 * Peers: the Realtime simulator in load mode (the model answers 800 ms of audio every second
 * while the caller streams), the Twilio caller simulator (20 ms μ-law frames in real time,
 * marks echoed at playout), the Twilio REST simulator. All run in this Node process; `--pin`
 * pins workerd to CPU 0 and this process to CPU 1, as the reference measurement did.
 *
 * Prints:
 * - relay latency p50/p95/p99, caller → model (a frame's send time to its
 *   `input_audio_buffer.append` at the simulator) and model → caller (a delta's emission to the
 *   Twilio `media` message carrying it), pairing each call with its model session;
 * - frames lost each way (bytes sent vs bytes delivered, in 20 ms frames), truncates rejected;
 * - CPU seconds of the workerd process per call-minute (/proc/<pid>/stat utime+stime);
 * - time from Twilio `start` to the first `session.update` and to the first agent audio, under
 *   load, and (first phase) for `--setup-calls` calls one after another from a caller holding
 *   `--memories` memories (default 1,000), stored through the memory API beforehand.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startLocalPlatform } from "../tools/local-platform";
import type { SessionLog } from "../tools/sim/realtime-server";
import { startRealtimeSimulator } from "../tools/sim/realtime-server";
import type { CallReport } from "../tools/sim/twilio-caller";
import { now, simulateCall } from "../tools/sim/twilio-caller";
import { startTwilioRestSimulator } from "../tools/sim/twilio-rest";
import { argNumber, percentile, printTable } from "./stats";

const FRAME_BYTES = 160;
const FRAME_MS = 20;
const TWILIO = {
  accountSid: "AC00000000000000000000000000000000",
  authToken: "bench-twilio-token",
};
const OPENAI_KEY = "sk-local-bench";
const TO = "+19497071290";

const calls = argNumber("--calls", 10);
const seconds = argNumber("--seconds", 20);
/** Memories held by the caller of the setup-latency phase (the target is set at 1,000). */
const memories = argNumber("--memories", 1000);
const setupCalls = argNumber("--setup-calls", 10);
const MEMORY_CALLER = "+19495550188";
const pin = process.argv.includes("--pin");
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

// ---- /proc helpers (Linux) ----

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is parenthesised and may contain spaces: split after the last ')'.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

/** The workerd processes started by the wrangler process `root` (its descendants). */
function workerdPids(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (fields?.[1]) parent.set(pid, Number(fields[1]));
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter((pid) => isDescendant(pid) && commOf(pid) === "workerd");
}

function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / CLK_TCK;
}

// ---- pairing calls with model sessions ----

interface CallRun {
  report: CallReport;
  /** When the stream opened: `start` leaves right after, and frame k at about +20k ms. */
  streamOpenAt: number;
}

function appendTimes(session: SessionLog): number[] {
  return session.events.filter((e) => e.type === "input_audio_buffer.append").map((e) => e.at);
}

/**
 * Each call opens one model session right after `start`. The pair is the session that opened
 * closest after the call's stream and whose audio deltas all left before the call received
 * them (causality); ties are broken by the smallest median delay.
 */
function pairSessions(runs: CallRun[], sessions: SessionLog[]): Map<CallRun, SessionLog> {
  const pairs = new Map<CallRun, SessionLog>();
  const free = new Set(sessions);
  const ordered = [...runs].sort((a, b) => a.streamOpenAt - b.streamOpenAt);
  for (const run of ordered) {
    let best: { session: SessionLog; score: number } | null = null;
    for (const session of free) {
      if (session.openedAt < run.streamOpenAt - 5) continue;
      const media = run.report.agentMedia;
      const n = Math.min(media.length, session.deltas.length);
      let causal = true;
      const delays: number[] = [];
      for (let i = 0; i < n; i++) {
        const d = (media[i]?.at ?? 0) - (session.deltas[i]?.at ?? 0);
        if (d < 0) causal = false;
        delays.push(d);
      }
      if (!causal) continue;
      const score = session.openedAt - run.streamOpenAt + (n > 0 ? percentile(delays, 50) : 0);
      if (!best || score < best.score) best = { session, score };
    }
    if (best) {
      pairs.set(run, best.session);
      free.delete(best.session);
    }
  }
  return pairs;
}

/** Gives the setup-phase caller `count` distinct memories through POST /v1/memories. */
async function seedMemories(baseUrl: string, apiKey: string, count: number): Promise<void> {
  const topics = ["vehicle", "policy", "property", "preference", "fact", "open_item", "note"];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const res = await fetch(`${baseUrl}/v1/memories`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          user_id: MEMORY_CALLER,
          type: topics[i % topics.length],
          key: `item_${i}`,
          value: `Bench fact number ${i}: the caller mentioned detail ${(i * 7919) % 100_003}`,
        }),
      });
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`seeding memory ${i}: HTTP ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Sequential short calls from the memory-holding caller: start → session.update / audio. */
async function setupPhase(
  baseUrl: string,
  sessions: SessionLog[],
): Promise<{ update: number[]; audio: number[] }> {
  const update: number[] = [];
  const audio: number[] = [];
  for (let i = 0; i < setupCalls; i++) {
    const before = sessions.length;
    let streamOpenAt = Number.NaN;
    const report = await simulateCall({
      baseUrl,
      publicBaseUrl: baseUrl,
      ...TWILIO,
      from: MEMORY_CALLER,
      to: TO,
      durationMs: 1500,
      onEvent: (e) => {
        if (e.type === "stream_open") streamOpenAt = now();
      },
    });
    const session = sessions[before];
    const first = session?.events.find((e) => e.type === "session.update");
    if (first) update.push(first.at - streamOpenAt);
    const firstAudio = report.agentMedia[0];
    if (firstAudio) audio.push(firstAudio.at - streamOpenAt);
  }
  return { update, audio };
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(1)} ms` : "n/a";
}

function dist(samples: number[]): string {
  if (samples.length === 0) return "n/a (no samples)";
  return `p50 ${fmt(percentile(samples, 50))}  p95 ${fmt(percentile(samples, 95))}  p99 ${fmt(percentile(samples, 99))}  max ${fmt(samples.reduce((m, x) => Math.max(m, x), -Infinity))}  (n=${samples.length})`;
}

async function main(): Promise<void> {
  const twilio = await startTwilioRestSimulator({
    accounts: { [TWILIO.accountSid]: TWILIO.authToken },
  });
  const realtime = await startRealtimeSimulator({
    script: { steps: [], load: { answerMs: 800, everyMs: 1000 } },
    expectedApiKey: OPENAI_KEY,
  });
  console.log(`Starting the local platform (fresh state) for ${calls} calls × ${seconds} s…`);
  const platform = await startLocalPlatform({
    vars: {
      TWILIO_ACCOUNT_SID: TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: TWILIO.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_REALTIME_URL: realtime.url,
      OPENAI_BASE_URL: realtime.httpBaseUrl,
    },
  });
  try {
    const pids = platform.process.pid ? workerdPids(platform.process.pid) : [];
    if (pids.length === 0) console.log("warning: no workerd process found; CPU not measured");
    if (pin) {
      for (const pid of pids) execFileSync("taskset", ["-a", "-cp", "0", String(pid)]);
      execFileSync("taskset", ["-a", "-cp", "1", String(process.pid)]);
      console.log(`pinned workerd (${pids.join(", ")}) to CPU 0, load generators to CPU 1`);
    }

    // Warm-up call: the first request compiles the Worker and opens databases.
    await simulateCall({
      baseUrl: platform.baseUrl,
      publicBaseUrl: platform.baseUrl,
      ...TWILIO,
      from: "+15550000000",
      to: TO,
      durationMs: 1000,
    });

    const apiKey = platform.apiKeys["peterson-family-insurance"];
    if (!apiKey) throw new Error("the seed made no API key for the Peterson demo tenant");
    const seedStart = now();
    await seedMemories(platform.baseUrl, apiKey, memories);
    console.log(
      `stored ${memories} memories for ${MEMORY_CALLER} in ${((now() - seedStart) / 1000).toFixed(1)} s`,
    );
    const setup = await setupPhase(platform.baseUrl, realtime.sessions);
    printTable(
      `setup latency — ${setupCalls} calls in a row, caller holding ${memories} memories`,
      [
        ["start → first session.update", dist(setup.update)],
        ["start → first agent audio", dist(setup.audio)],
      ],
    );

    const sessionsBefore = realtime.sessions.length;

    const spacingMs = Math.min(100, 5000 / calls);
    // The load generators share this process: their own CPU and event-loop lag say whether a
    // slow figure is the relay's or theirs.
    const loopLag = monitorEventLoopDelay({ resolution: 10 });
    loopLag.enable();
    const genCpuStart = process.cpuUsage();
    const cpuStart = cpuSeconds(pids);
    const wallStart = now();
    const runs = await Promise.all(
      Array.from({ length: calls }, async (_, i) => {
        await new Promise((r) => setTimeout(r, i * spacingMs));
        let streamOpenAt = Number.NaN;
        const report = await simulateCall({
          baseUrl: platform.baseUrl,
          publicBaseUrl: platform.baseUrl,
          ...TWILIO,
          from: `+1555${String(1_000_000 + i).slice(-7)}`,
          to: TO,
          durationMs: seconds * 1000,
          onEvent: (e) => {
            if (e.type === "stream_open") streamOpenAt = now();
          },
        });
        return { report, streamOpenAt } satisfies CallRun;
      }),
    );
    const wallSeconds = (now() - wallStart) / 1000;
    const cpu = cpuSeconds(pids) - cpuStart;
    const genCpu = process.cpuUsage(genCpuStart);
    loopLag.disable();

    const sessions = realtime.sessions.slice(sessionsBefore);
    const pairs = pairSessions(runs, sessions);
    let downEmitted = 0;
    let downLost = 0;
    let inFlight = 0;
    const up: number[] = [];
    const upSteady: number[] = [];
    const down: number[] = [];
    const toSessionUpdate: number[] = [];
    const toFirstAudio: number[] = [];
    for (const run of runs) {
      const first = run.report.agentMedia[0];
      if (first) toFirstAudio.push(first.at - run.streamOpenAt);
      const session = pairs.get(run);
      if (!session) continue;
      const update = session.events.find((e) => e.type === "session.update");
      if (update) toSessionUpdate.push(update.at - run.streamOpenAt);
      appendTimes(session).forEach((at, k) => {
        const sentAt = run.streamOpenAt + k * FRAME_MS;
        up.push(at - sentAt);
        // Frames sent before the session was configured wait in the relay's buffer by design
        // (none is dropped); the steady-state figure leaves them out.
        if (update && sentAt > update.at) upSteady.push(at - sentAt);
      });
      // Each delta must arrive as one media message of the same size, in order. Deltas after the
      // last one received were still in flight when the caller hung up (not a loss); a received
      // message that does not match the delta at its position means one went missing before it.
      const media = run.report.agentMedia;
      let aligned = 0;
      while (aligned < media.length && media[aligned]?.bytes === session.deltas[aligned]?.bytes)
        aligned += 1;
      downEmitted += session.deltas.length;
      downLost += media.length - aligned;
      inFlight += Math.max(0, session.deltas.length - media.length);
      const n = Math.min(run.report.agentMedia.length, session.deltas.length);
      for (let i = 0; i < n; i++)
        down.push((run.report.agentMedia[i]?.at ?? 0) - (session.deltas[i]?.at ?? 0));
    }

    const sentBytes = runs.reduce((s, r) => s + r.report.framesSent * FRAME_BYTES, 0);
    const appendedBytes = sessions.reduce((s, x) => s + x.appendedAudioBytes, 0);
    const truncates = sessions.flatMap((s) => s.truncates);
    const errors = runs.flatMap((r) => r.report.errors);
    const modelErrors = sessions.flatMap((s) => s.errorsSent.map((e) => e.code));
    const callMinutes = runs.reduce((s, r) => s + (r.report.framesSent * FRAME_MS) / 60_000, 0);

    printTable(`bench:calls — ${calls} calls × ${seconds} s (${new Date().toISOString()})`, [
      ["model sessions opened", `${sessions.length} for ${calls} calls (${pairs.size} paired)`],
      ["relay caller → model", dist(up)],
      ["  after session setup", dist(upSteady)],
      ["relay model → caller", dist(down)],
      [
        "frames lost caller → model",
        `${Math.max(0, (sentBytes - appendedBytes) / FRAME_BYTES).toFixed(0)} of ${sentBytes / FRAME_BYTES}`,
      ],
      [
        "frames lost model → caller",
        `${downLost} of ${downEmitted} deltas out of order or missing (paired calls); ${inFlight} still in flight at hang-up`,
      ],
      [
        "truncates rejected",
        `${truncates.filter((t) => !t.accepted).length} of ${truncates.length}`,
      ],
      ["start → first session.update", dist(toSessionUpdate)],
      ["start → first agent audio", dist(toFirstAudio)],
      [
        "workerd CPU",
        `${cpu.toFixed(2)} s over ${wallSeconds.toFixed(1)} s wall = ${(cpu / Math.max(callMinutes, 1e-9)).toFixed(3)} CPU-s per call-minute`,
      ],
      [
        "load generator (this process)",
        `${((genCpu.user + genCpu.system) / 1e6).toFixed(2)} CPU-s, event-loop lag p99 ${(loopLag.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopLag.max / 1e6).toFixed(1)} ms`,
      ],
      [
        "caller errors",
        errors.length === 0
          ? "none"
          : `${errors.length}: ${[...new Set(errors)].slice(0, 3).join("; ")}`,
      ],
      ["model errors", modelErrors.length === 0 ? "none" : [...new Set(modelErrors)].join(", ")],
    ]);
  } finally {
    await platform.stop();
    await realtime.close();
    await twilio.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
