/**
 * `npm run bench:calls -- --calls N[,N2,…] --seconds S [--pin] [--runtime miniflare|wrangler]
 *  [--memories 1000 --setup-calls 10] [--callers-per-thread 32] [--realtime-shards 4]`:
 * N concurrent simulated calls through the real local runtime, each S seconds long; a list runs
 * each load in turn on the same platform.
 *
 * Runtime: `miniflare` (default) runs the Worker bundled by `wrangler deploy --dry-run` in
 * workerd through Miniflare — no dev proxy, as in production; `wrangler` runs `wrangler dev`
 * (its proxy workerd and Node process sit in front of the Worker's workerd, and its file
 * watcher reloads the Worker when any source file changes).
 *
 * Peers: the Realtime simulator in load mode (the model answers 800 ms of audio every second
 * while the caller streams), sharded over `--realtime-shards` (default 4) cluster worker
 * processes sharing one port (bench/realtime-fleet.ts), so that no session's arrival stamps
 * wait behind the bench's main thread; the Twilio REST simulator in this process's main thread;
 * the Twilio callers (20 ms μ-law frames in real time, marks echoed at playout) in worker
 * threads (bench/call-load.ts). `--pin` pins every process serving the Worker to CPU 0 and this
 * process (all its threads) and the Realtime shards to CPU 1, as the reference measurement did.
 *
 * Prints:
 * - relay latency p50/p95/p99, caller → model (the time a frame left the caller to its
 *   `input_audio_buffer.append` arriving at the simulator) and model → caller (a delta's
 *   emission to the Twilio `media` message carrying it arriving at the caller), pairing each
 *   call with its model session;
 * - frames lost each way (bytes sent vs bytes delivered, in 20 ms frames), truncates rejected;
 * - CPU seconds per call-minute of every process serving the Worker (from /proc/<pid>/stat),
 *   the Worker's runtime (workerd) apart from wrangler's dev proxy and Node processes;
 * - the load generators' own CPU and event-loop delay, so a slow figure can be told apart;
 * - time from Twilio `start` to the first `session.update` and to the first agent audio, under
 *   load, and (first phase) for `--setup-calls` calls one after another from a caller holding
 *   `--memories` memories (default 1,000), stored through the memory API beforehand.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { LocalRuntime } from "../tools/local-platform";
import { startLocalPlatform } from "../tools/local-platform";
import type { SessionLog } from "../tools/sim/realtime-server";
import type { CallReport } from "../tools/sim/twilio-caller";
import { now, simulateCall } from "../tools/sim/twilio-caller";
import { startTwilioRestSimulator } from "../tools/sim/twilio-rest";
import type { CallLoadJob, CallLoadResult } from "./call-load";
import type { RealtimeFleet } from "./realtime-fleet";
import { startRealtimeFleet } from "./realtime-fleet";
import { percentile, printTable } from "./stats";

const FRAME_BYTES = 160;
const FRAME_MS = 20;
const TWILIO = {
  accountSid: "AC00000000000000000000000000000000",
  authToken: "bench-twilio-token",
};
const OPENAI_KEY = "sk-local-bench";
const TO = "+19497071290";

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index < 0 ? undefined : process.argv[index + 1];
}
/** A count; 0 allowed (e.g. `--setup-calls 0` skips the setup phase). */
function argCount(name: string, fallback: number): number {
  const raw = argValue(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

const loads = (argValue("--calls") ?? "10").split(",").map((x) => {
  const n = Number(x);
  if (!Number.isInteger(n) || n <= 0) throw new Error("--calls takes counts, e.g. 10 or 10,25,50");
  return n;
});
const seconds = argCount("--seconds", 15);
/** Memories held by the caller of the setup-latency phase (the target is set at 1,000). */
const memories = argCount("--memories", 1000);
const setupCalls = argCount("--setup-calls", 10);
const callersPerThread = Math.max(1, argCount("--callers-per-thread", 32));
/** Processes the Realtime simulator is sharded over (cluster workers sharing one port). */
const realtimeShards = Math.max(1, argCount("--realtime-shards", 4));
const runtime = (argValue("--runtime") ?? "miniflare") as LocalRuntime;
if (runtime !== "miniflare" && runtime !== "wrangler")
  throw new Error("--runtime is miniflare or wrangler");
const MEMORY_CALLER = "+19495550188";
const TSX_API = import.meta.resolve("tsx/esm/api");
const CALL_LOAD = new URL("./call-load.ts", import.meta.url).href;
const pin = process.argv.includes("--pin");
const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

// ---- the processes serving the Worker (Linux /proc) ----

function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is parenthesised and may contain spaces: split after the last ')'.
    return text.slice(text.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return "";
  }
}

/** What a process in the runtime's tree does, for the CPU breakdown. */
type Role = "runtime" | "dev proxy" | "node" | "other";

interface ServingProcess {
  pid: number;
  comm: string;
  role: Role;
}

/**
 * The runtime's process tree under `root` (root included). workerd serving the Worker is the
 * runtime; under wrangler dev, the workerd listening on the public port is the dev proxy that
 * forwards every request and WebSocket message to it.
 */
function servingProcesses(root: number, publicPort: number): ServingProcess[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = statFields(pid);
    if (fields?.[1]) parent.set(pid, Number(fields[1]));
  }
  const inTree = (pid: number): boolean => {
    for (let p: number | undefined = pid; p !== undefined && p > 1; p = parent.get(p))
      if (p === root) return true;
    return false;
  };
  return [...parent.keys()].filter(inTree).map((pid) => {
    const comm = readProc(pid, "comm").trim();
    const cmdline = readProc(pid, "cmdline").replaceAll("\0", " ");
    const role: Role =
      comm === "workerd"
        ? cmdline.includes(`entry=127.0.0.1:${publicPort}`) && runtime === "wrangler"
          ? "dev proxy"
          : "runtime"
        : comm === "node" || comm.startsWith("node")
          ? "node"
          : "other";
    return { pid, comm, role };
  });
}

function cpuOf(pid: number): number | null {
  const f = statFields(pid);
  // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
  return f ? (Number(f[11]) + Number(f[12])) / CLK_TCK : null;
}

interface CpuSnapshot {
  processes: ServingProcess[];
  cpu: Map<number, number>;
}

function snapshot(root: number, publicPort: number): CpuSnapshot {
  const processes = servingProcesses(root, publicPort);
  const cpu = new Map<number, number>();
  for (const p of processes) {
    const c = cpuOf(p.pid);
    if (c !== null) cpu.set(p.pid, c);
  }
  return { processes, cpu };
}

/** CPU seconds used between two snapshots, per role; processes that came or went are named. */
function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
): { byRole: Map<Role, number>; changed: string[] } {
  const byRole = new Map<Role, number>();
  const changed: string[] = [];
  for (const p of after.processes) {
    const end = after.cpu.get(p.pid) ?? 0;
    const start = before.cpu.get(p.pid);
    if (start === undefined) changed.push(`${p.comm} ${p.pid} started`);
    byRole.set(p.role, (byRole.get(p.role) ?? 0) + end - (start ?? 0));
  }
  for (const p of before.processes) {
    if (!after.cpu.has(p.pid)) changed.push(`${p.comm} ${p.pid} exited (its CPU is not counted)`);
  }
  return { byRole, changed };
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
  realtime: RealtimeFleet,
): Promise<{ update: number[]; audio: number[] }> {
  const update: number[] = [];
  const audio: number[] = [];
  await realtime.newSessions();
  for (let i = 0; i < setupCalls; i++) {
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
    const [session] = await realtime.newSessions();
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

function ms3(samples: number[], ps: number[]): string {
  return ps.map((p) => percentile(samples, p).toFixed(1)).join(" / ");
}

/** Runs the callers of one load in worker threads; resolves with every call and thread. */
async function runCallers(
  baseUrl: string,
  calls: number,
  durationMs: number,
): Promise<{ runs: CallRun[]; threads: Omit<CallLoadResult, "runs">[] }> {
  const spacingMs = Math.min(100, 5000 / calls);
  const threadCount = Math.ceil(calls / callersPerThread);
  const jobs: CallLoadJob[] = Array.from({ length: threadCount }, () => ({
    baseUrl,
    ...TWILIO,
    to: TO,
    calls: [],
  }));
  for (let i = 0; i < calls; i++) {
    jobs[i % threadCount]?.calls.push({
      index: i,
      from: `+1555${String(1_000_000 + i).slice(-7)}`,
      delayMs: i * spacingMs,
      durationMs,
    });
  }
  const results = await Promise.all(
    jobs.map(
      (job) =>
        new Promise<CallLoadResult>((resolve, reject) => {
          // A TypeScript worker under tsx: register its loader in the thread, then import.
          const worker = new Worker(
            `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(CALL_LOAD)}); });`,
            { eval: true, workerData: job },
          );
          worker.once("message", (m: { ok: boolean; result?: CallLoadResult; error?: string }) => {
            if (m.ok && m.result) resolve(m.result);
            else reject(new Error(m.error ?? "caller thread failed"));
            void worker.terminate();
          });
          worker.once("error", reject);
        }),
    ),
  );
  const runs = results
    .flatMap((r) => r.runs)
    .sort((a, b) => a.index - b.index)
    .map(({ report, streamOpenAt }) => ({ report, streamOpenAt }));
  return { runs, threads: results.map(({ runs: _runs, ...t }) => t) };
}

interface LoadFigures {
  calls: number;
  up: number[];
  down: number[];
  lostUp: number;
  sentFrames: number;
  downLost: number;
  truncatesRejected: number;
  truncates: number;
  toSessionUpdate: number[];
  toFirstAudio: number[];
  cpuPerCallMinute: Map<Role, number>;
  totalPerCallMinute: number;
  genPerCallMinute: number;
}

async function runLoad(
  baseUrl: string,
  calls: number,
  realtime: RealtimeFleet,
  cpuRoot: { pid: number; port: number } | null,
): Promise<LoadFigures> {
  await realtime.newSessions(); // sessions of earlier phases are not this load's
  await realtime.stats(); // starts the shards' figures for this load
  const mainLag = monitorEventLoopDelay({ resolution: 10 });
  mainLag.enable();
  const mainElu = performance.eventLoopUtilization();
  const genCpuStart = process.cpuUsage();
  const before = cpuRoot ? snapshot(cpuRoot.pid, cpuRoot.port) : null;
  const wallStart = now();
  const { runs, threads } = await runCallers(baseUrl, calls, seconds * 1000);
  const wallSeconds = (now() - wallStart) / 1000;
  const after = cpuRoot ? snapshot(cpuRoot.pid, cpuRoot.port) : null;
  const genCpu = process.cpuUsage(genCpuStart);
  const mainUtil = performance.eventLoopUtilization(mainElu).utilization;
  mainLag.disable();
  const shardStats = await realtime.stats();

  const sessions = await realtime.newSessions();
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
      const sentAt = run.report.frameSentAt[k];
      if (sentAt === undefined) return;
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
    const n = Math.min(media.length, session.deltas.length);
    for (let i = 0; i < n; i++) down.push((media[i]?.at ?? 0) - (session.deltas[i]?.at ?? 0));
  }

  const sentFrames = runs.reduce((s, r) => s + r.report.framesSent, 0);
  const appendedBytes = sessions.reduce((s, x) => s + x.appendedAudioBytes, 0);
  const lostUp = Math.max(0, (sentFrames * FRAME_BYTES - appendedBytes) / FRAME_BYTES);
  const truncates = sessions.flatMap((s) => s.truncates);
  const errors = runs.flatMap((r) => r.report.errors);
  const modelErrors = sessions.flatMap((s) => s.errorsSent.map((e) => e.code));
  const callMinutes = runs.reduce((s, r) => s + (r.report.framesSent * FRAME_MS) / 60_000, 0);
  const perMinute = (cpu: number) => cpu / Math.max(callMinutes, 1e-9);

  const cpuRows: [string, string][] = [];
  const cpuPerCallMinute = new Map<Role, number>();
  let total = 0;
  if (before && after) {
    const { byRole, changed } = cpuBetween(before, after);
    const label: Record<Role, string> = {
      runtime: "Worker runtime (workerd)",
      "dev proxy": "wrangler dev proxy (workerd)",
      node: runtime === "wrangler" ? "wrangler (Node)" : "Miniflare host (Node)",
      other: "other (esbuild, …)",
    };
    for (const role of ["runtime", "dev proxy", "node", "other"] as Role[]) {
      const cpu = byRole.get(role);
      if (cpu === undefined) continue;
      total += cpu;
      cpuPerCallMinute.set(role, perMinute(cpu));
      cpuRows.push([
        `  ${label[role]}`,
        `${cpu.toFixed(2)} CPU-s = ${perMinute(cpu).toFixed(3)} per call-minute (${((cpu / wallSeconds) * 100).toFixed(0)} % of a core)`,
      ]);
    }
    if (changed.length > 0)
      cpuRows.push(["  warning", `processes changed during the run: ${changed.join("; ")}`]);
  }
  const shardSeconds = shardStats.reduce((s, x) => s + x.cpuSeconds, 0);
  const genSeconds = (genCpu.user + genCpu.system) / 1e6 + shardSeconds;
  const threadRows: [string, string][] = [
    ...shardStats.map((t, i): [string, string] => [
      `  Realtime shard ${i + 1}`,
      `${t.cpuSeconds.toFixed(2)} CPU-s, busy ${(t.utilisation * 100).toFixed(0)} %, event-loop delay p99 ${t.lagP99Ms.toFixed(1)} ms, max ${t.lagMaxMs.toFixed(1)} ms`,
    ]),
    ...threads.map((t, i): [string, string] => [
      `  caller thread ${i + 1}`,
      `busy ${(t.utilisation * 100).toFixed(0)} %, event-loop delay p99 ${t.lagP99Ms.toFixed(1)} ms, max ${t.lagMaxMs.toFixed(1)} ms`,
    ]),
  ];

  printTable(
    `bench:calls — ${calls} calls × ${seconds} s, runtime ${runtime}${pin ? ", pinned" : ""} (${new Date().toISOString()})`,
    [
      ["model sessions opened", `${sessions.length} for ${calls} calls (${pairs.size} paired)`],
      ["relay caller → model", dist(up)],
      ["  after session setup", dist(upSteady)],
      ["relay model → caller", dist(down)],
      ["frames lost caller → model", `${lostUp.toFixed(0)} of ${sentFrames}`],
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
        "CPU serving the Worker",
        before
          ? `${total.toFixed(2)} CPU-s over ${wallSeconds.toFixed(1)} s wall, ${callMinutes.toFixed(1)} call-minutes = ${perMinute(total).toFixed(3)} CPU-s per call-minute`
          : "not measured (no process found)",
      ],
      ...cpuRows,
      [
        "load generators (this process + Realtime shards)",
        `${genSeconds.toFixed(2)} CPU-s (${((genSeconds / wallSeconds) * 100).toFixed(0)} % of a core); main thread (Twilio REST simulator) busy ${(mainUtil * 100).toFixed(0)} %, delay p99 ${(mainLag.percentile(99) / 1e6).toFixed(1)} ms, max ${(mainLag.max / 1e6).toFixed(1)} ms`,
      ],
      ...threadRows,
      [
        "caller errors",
        errors.length === 0
          ? "none"
          : `${errors.length}: ${[...new Set(errors)].slice(0, 3).join("; ")}`,
      ],
      ["model errors", modelErrors.length === 0 ? "none" : [...new Set(modelErrors)].join(", ")],
    ],
  );
  const runtimeCpm = cpuPerCallMinute.get("runtime") ?? Number.NaN;
  console.log(
    `  row: | ${calls} | ${ms3(up, [50, 95, 99])} | ${ms3(down, [50, 95, 99])} | ${lostUp.toFixed(0)} / ${downLost} | ${truncates.filter((t) => !t.accepted).length} | ${ms3(toSessionUpdate, [50, 95])} | ${ms3(toFirstAudio, [50, 95])} | ${runtimeCpm.toFixed(3)} | ${perMinute(total).toFixed(3)} | ${((genSeconds / wallSeconds) * 100).toFixed(0)} % |`,
  );
  return {
    calls,
    up,
    down,
    lostUp,
    sentFrames,
    downLost,
    truncatesRejected: truncates.filter((t) => !t.accepted).length,
    truncates: truncates.length,
    toSessionUpdate,
    toFirstAudio,
    cpuPerCallMinute,
    totalPerCallMinute: perMinute(total),
    genPerCallMinute: perMinute(genSeconds),
  };
}

async function main(): Promise<void> {
  const twilio = await startTwilioRestSimulator({
    accounts: { [TWILIO.accountSid]: TWILIO.authToken },
  });
  const realtime = await startRealtimeFleet(realtimeShards, {
    load: { answerMs: 800, everyMs: 1000 },
    expectedApiKey: OPENAI_KEY,
  });
  console.log(
    `Starting the local platform (${runtime}, fresh state) for ${loads.join(", ")} calls × ${seconds} s…`,
  );
  const platform = await startLocalPlatform({
    runtime,
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
    const root = platform.process.pid ?? null;
    const cpuRoot = root === null ? null : { pid: root, port: platform.port };
    const pinAll = () => {
      if (!pin || root === null) return;
      const serving = servingProcesses(root, platform.port);
      for (const p of serving) execFileSync("taskset", ["-a", "-cp", "0", String(p.pid)]);
      for (const pid of [process.pid, ...realtime.pids])
        execFileSync("taskset", ["-a", "-cp", "1", String(pid)]);
      return serving;
    };
    const serving = pinAll();
    if (serving)
      console.log(
        `pinned ${serving.map((p) => `${p.comm} ${p.pid} (${p.role})`).join(", ")} to CPU 0; this process (REST simulator, caller threads) and ${realtime.pids.length} Realtime shards to CPU 1`,
      );

    // Warm-up call: the first request compiles the Worker and opens databases.
    await simulateCall({
      baseUrl: platform.baseUrl,
      publicBaseUrl: platform.baseUrl,
      ...TWILIO,
      from: "+15550000000",
      to: TO,
      durationMs: 1000,
    });

    if (setupCalls > 0) {
      const apiKey = platform.apiKeys["peterson-family-insurance"];
      if (!apiKey) throw new Error("the seed made no API key for the Peterson demo tenant");
      const seedStart = now();
      await seedMemories(platform.baseUrl, apiKey, memories);
      console.log(
        `stored ${memories} memories for ${MEMORY_CALLER} in ${((now() - seedStart) / 1000).toFixed(1)} s`,
      );
      const setup = await setupPhase(platform.baseUrl, realtime);
      printTable(
        `setup latency — ${setupCalls} calls in a row, caller holding ${memories} memories`,
        [
          ["start → first session.update", dist(setup.update)],
          ["start → first agent audio", dist(setup.audio)],
        ],
      );
    }

    for (const calls of loads) {
      pinAll(); // wrangler dev may have restarted its runtime meanwhile
      await runLoad(platform.baseUrl, calls, realtime, cpuRoot);
      // Let finalisation and post-call jobs of this load settle before the next one.
      if (calls !== loads[loads.length - 1]) await new Promise((r) => setTimeout(r, 5_000));
    }
  } finally {
    await platform.stop();
    await realtime.close();
    await twilio.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
