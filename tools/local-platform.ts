/**
 * Starts the whole platform in the local runtime on a fresh, private state directory: every
 * database migrated, the demo seed applied, then `wrangler dev` on a free port. Used by the
 * benchmarks, the demo and the browser tests, so none of them touches the developer's
 * `.wrangler/state` or depends on another run.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import type { Env } from "../workers/env";
import { seedDemo } from "../workers/seed/seed";
import type { SeedReport } from "../workers/seed/seed";
import { migrateAll } from "./migrate";
import { ROOT, WRANGLER_TOML } from "./wrangler-config";

export interface LocalPlatform {
  baseUrl: string;
  port: number;
  /** The workerd process serving the Worker (for CPU accounting). */
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

/**
 * Starts a private local platform. `vars` override the values of .dev.vars.example (e.g. point
 * OPENAI_REALTIME_URL at a simulator); PUBLIC_BASE_URL defaults to the platform's own address.
 */
export async function startLocalPlatform(
  options: { port?: number; vars?: Record<string, string>; log?: (line: string) => void } = {},
): Promise<LocalPlatform> {
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
    configPath: WRANGLER_TOML,
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
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const forward = (chunk: Buffer) => options.log?.(chunk.toString());
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);

  const stop = async () => {
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
  try {
    await waitForHealth(baseUrl, child, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const apiKeys = Object.fromEntries(report.apiKeys.map((k) => [k.slug, k.key]));
  return { baseUrl, port, process: child, persistDir, vars, apiKeys, stop };
}
