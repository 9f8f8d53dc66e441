/**
 * Starts the whole platform in the local runtime on a fresh, private state directory: every
 * database migrated, the demo seed applied, then `wrangler dev` on a free port. Used by the
 * benchmarks, the demo and the browser tests, so none of them touches the developer's
 * `.wrangler/state` or depends on another run.
 *
 * `runtime: "miniflare"` serves the same state without wrangler dev's layers (its proxy
 * workerd, its Node process, its file watcher that reloads the Worker when any source file
 * changes): the Worker bundled once by `wrangler deploy --dry-run`, run in workerd by
 * wrangler's own Miniflare 4 with the bindings of wrangler.toml (D1, the call Durable Object,
 * the post-call queue and workflow), in a child Node process (this file, `--serve-miniflare`). That is the
 * closest local stand-in for production, which has no dev proxy.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { getPlatformProxy, unstable_readConfig } from "wrangler";
import type { Env } from "../workers/env";
import { seedDemo } from "../workers/seed/seed";
import type { SeedReport } from "../workers/seed/seed";
import { migrateAll } from "./migrate";
import {
  OFFLINE_WRANGLER_ENV,
  ROOT,
  WRANGLER_TOML,
  writeDatabasesOnlyConfig,
} from "./wrangler-config";
import { z } from "zod";

/** wrangler: `wrangler dev` (proxy + runtime); miniflare: the bundled Worker in workerd only. */
export type LocalRuntime = "wrangler" | "miniflare";

export interface LocalPlatform {
  baseUrl: string;
  port: number;
  runtime: LocalRuntime;
  /**
   * The process at the root of the runtime's process tree (wrangler's Node process, or the
   * Node process hosting Miniflare); the workerd processes serving the Worker are its
   * descendants (for CPU accounting).
   */
  process: ChildProcess;
  persistDir: string;
  vars: Record<string, string>;
  apiKeys: Record<string, string>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readDotEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match?.[1]) out[match[1]] = match[2] ?? "";
  }
  return out;
}

async function waitForHealth(
  baseUrl: string,
  child: ChildProcess,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${baseUrl}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`platform did not answer ${baseUrl}/health within ${timeoutMs} ms`);
}

/** Forwards the runtime's output, waits for /health, and gives back how to stop it (and clean up). */
async function untilHealthy(
  child: ChildProcess,
  baseUrl: string,
  persistDir: string,
  log: ((line: string) => void) | undefined,
): Promise<() => Promise<void>> {
  const forward = (chunk: Buffer) => log?.(chunk.toString());
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  const stop = stopper(child, persistDir);
  try {
    await waitForHealth(baseUrl, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

/**
 * Starts a private local platform. `vars` override the values of .dev.vars.example (e.g. point
 * OPENAI_REALTIME_URL at a simulator); PUBLIC_BASE_URL defaults to the platform's own address.
 */
export async function startLocalPlatform(
  options: {
    port?: number;
    vars?: Record<string, string>;
    log?: (line: string) => void;
    runtime?: LocalRuntime;
  } = {},
): Promise<LocalPlatform> {
  const runtime = options.runtime ?? "wrangler";
  const persistDir = mkdtempSync(path.join(os.tmpdir(), "neurosphere-"));
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const vars: Record<string, string> = {
    ...readDotEnv(path.join(ROOT, ".dev.vars.example")),
    PUBLIC_BASE_URL: baseUrl,
    ...(options.vars ?? {}),
  };

  // wrangler dev serves the admin app from admin-ui/dist and refuses to start without it.
  if (!existsSync(path.join(ROOT, "admin-ui", "dist", "index.html"))) {
    const build = spawnSync(
      path.join(ROOT, "node_modules", ".bin", "vite"),
      ["build", "--config", "admin-ui/vite.config.ts"],
      {
        cwd: ROOT,
        stdio: "ignore",
      },
    );
    if (build.status !== 0) throw new Error("could not build the admin app (npm run build:admin)");
  }
  migrateAll("--local", { persistTo: persistDir, quiet: true });
  const proxy = await getPlatformProxy<Env>({
    configPath: writeDatabasesOnlyConfig(),
    persist: { path: path.join(persistDir, "v3") },
    remoteBindings: false,
    envFiles: [],
  });
  let report: SeedReport;
  try {
    report = await seedDemo({ ...proxy.env, ...vars }, { createApiKeys: true });
  } finally {
    await proxy.dispose();
  }

  if (runtime === "miniflare") {
    return serveWithMiniflare({ persistDir, port, baseUrl, vars, report, log: options.log });
  }

  const args = [
    "dev",
    "--port",
    String(port),
    "--ip",
    "127.0.0.1",
    "--persist-to",
    persistDir,
    "--env-file",
    "/dev/null",
    "--show-interactive-dev-session=false",
  ];
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  const child = spawn(path.join(ROOT, "node_modules", ".bin", "wrangler"), args, {
    cwd: ROOT,
    env: { ...process.env, CI: "true", ...OFFLINE_WRANGLER_ENV },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const stop = await untilHealthy(child, baseUrl, persistDir, options.log);
  const apiKeys = Object.fromEntries(report.apiKeys.map((k) => [k.slug, k.key]));
  return { baseUrl, port, runtime, process: child, persistDir, vars, apiKeys, stop };
}

function stopper(child: ChildProcess, persistDir: string): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    rmSync(persistDir, { recursive: true, force: true });
  };
}

// ---- runtime: Miniflare (no wrangler dev) ----

interface MiniflareHostConfig {
  scriptPath: string;
  port: number;
  persistRoot: string;
  vars: Record<string, string>;
}

async function serveWithMiniflare(options: {
  persistDir: string;
  port: number;
  baseUrl: string;
  vars: Record<string, string>;
  report: SeedReport;
  log: ((line: string) => void) | undefined;
}): Promise<LocalPlatform> {
  const { persistDir, port, baseUrl, vars } = options;
  // The deploy bundle: exactly what `wrangler deploy` would upload.
  const outdir = path.join(persistDir, "bundle");
  const bundle = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "wrangler"),
    ["deploy", "--dry-run", "--outdir", outdir],
    {
      cwd: ROOT,
      env: { ...process.env, CI: "true", ...OFFLINE_WRANGLER_ENV },
      encoding: "utf8",
    },
  );
  if (bundle.status !== 0) {
    throw new Error(`wrangler deploy --dry-run failed: ${bundle.stderr || bundle.stdout}`);
  }
  const config: MiniflareHostConfig = {
    scriptPath: path.join(outdir, "index.js"),
    port,
    persistRoot: path.join(persistDir, "v3"),
    vars,
  };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "tools", "local-platform.ts"), "--serve-miniflare"],
    {
      cwd: ROOT,
      env: { ...process.env, NS_MINIFLARE_HOST: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const stop = await untilHealthy(child, baseUrl, persistDir, options.log);
  const apiKeys = Object.fromEntries(options.report.apiKeys.map((k) => [k.slug, k.key]));
  return { baseUrl, port, runtime: "miniflare", process: child, persistDir, vars, apiKeys, stop };
}

/** What Miniflare needs from wrangler.toml, read with wrangler's own reader. */
const HostedConfig = z.object({
  compatibility_date: z.string(),
  compatibility_flags: z.array(z.string()).default([]),
  d1_databases: z.array(
    z.object({
      binding: z.string(),
      database_id: z.string().optional(),
      preview_database_id: z.string().optional(),
    }),
  ),
  durable_objects: z.object({
    bindings: z.array(z.object({ name: z.string(), class_name: z.string() })),
  }),
  workflows: z
    .array(z.object({ name: z.string(), binding: z.string(), class_name: z.string() }))
    .default([]),
  queues: z.object({
    producers: z.array(z.object({ binding: z.string(), queue: z.string() })).default([]),
    consumers: z
      .array(
        z.object({
          queue: z.string(),
          max_batch_size: z.number().optional(),
          max_batch_timeout: z.number().optional(),
          max_retries: z.number().optional(),
          dead_letter_queue: z.string().optional(),
        }),
      )
      .default([]),
  }),
});

/** Child process: the bundled Worker in workerd through wrangler's Miniflare 4. */
async function hostMiniflare(config: MiniflareHostConfig): Promise<void> {
  const wranglerRequire = createRequire(createRequire(import.meta.url).resolve("wrangler"));
  const { Miniflare } = wranglerRequire("miniflare") as {
    Miniflare: new (options: Record<string, unknown>) => {
      ready: Promise<URL>;
      dispose(): Promise<void>;
    };
  };
  const toml = HostedConfig.parse(unstable_readConfig({ config: WRANGLER_TOML }) as unknown);
  const mf = new Miniflare({
    modules: true,
    scriptPath: config.scriptPath,
    modulesRoot: path.dirname(config.scriptPath),
    compatibilityDate: toml.compatibility_date,
    compatibilityFlags: toml.compatibility_flags,
    host: "127.0.0.1",
    port: config.port,
    bindings: config.vars,
    // Same ids as wrangler dev, so the databases migrated and seeded under v3/ are the ones used.
    d1Databases: Object.fromEntries(
      toml.d1_databases.map((d) => [
        d.binding,
        d.preview_database_id ?? d.database_id ?? d.binding,
      ]),
    ),
    durableObjects: Object.fromEntries(
      toml.durable_objects.bindings.map((b) => [
        b.name,
        { className: b.class_name, useSQLite: true },
      ]),
    ),
    workflows: Object.fromEntries(
      toml.workflows.map((w) => [w.binding, { name: w.name, className: w.class_name }]),
    ),
    queueProducers: Object.fromEntries(
      toml.queues.producers.map((p) => [p.binding, { queueName: p.queue }]),
    ),
    queueConsumers: Object.fromEntries(
      toml.queues.consumers.map((c) => [
        c.queue,
        {
          maxBatchSize: c.max_batch_size,
          maxBatchTimeout: c.max_batch_timeout,
          maxRetries: c.max_retries,
          deadLetterQueue: c.dead_letter_queue,
        },
      ]),
    ),
    defaultPersistRoot: config.persistRoot,
  });
  await mf.ready;
  const shutdown = () => {
    void mf.dispose().finally(() => process.exit(0));
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv.includes("--serve-miniflare")) {
  const raw = process.env["NS_MINIFLARE_HOST"];
  if (!raw) throw new Error("NS_MINIFLARE_HOST is not set");
  hostMiniflare(JSON.parse(raw) as MiniflareHostConfig).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
