/**
 * Starts one private platform for every browser test file: builds the admin app if needed,
 * migrates and seeds a fresh state directory, runs `wrangler dev` on a free port, and points
 * the platform's OpenAI URLs at a port where the journey test runs the Realtime simulator.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { build } from "vite";
import { freePort, startLocalPlatform } from "../../../tools/local-platform";
import type { LocalPlatform } from "../../../tools/local-platform";

const ROOT = path.resolve(import.meta.dirname, "../../..");

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    simPort: number;
    vars: Record<string, string>;
  }
}

let platform: LocalPlatform | null = null;

export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(path.join(ROOT, "admin-ui/dist/index.html"))) {
    await build({ configFile: path.join(ROOT, "admin-ui/vite.config.ts"), logLevel: "warn" });
  }
  const simPort = await freePort();
  platform = await startLocalPlatform({
    vars: {
      OPENAI_API_KEY: "sk-browser-tests",
      OPENAI_BASE_URL: `http://127.0.0.1:${simPort}/v1`,
      OPENAI_REALTIME_URL: `ws://127.0.0.1:${simPort}/v1/realtime`,
    },
    log: process.env.BROWSER_TEST_LOG ? (line) => process.stderr.write(line) : undefined,
  });
  project.provide("baseUrl", platform.baseUrl);
  project.provide("simPort", simPort);
  project.provide("vars", platform.vars);
}

export async function teardown(): Promise<void> {
  await platform?.stop();
  platform = null;
}
