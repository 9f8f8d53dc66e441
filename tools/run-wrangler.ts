import { spawnSync } from "node:child_process";
import path from "node:path";
import { OFFLINE_WRANGLER_ENV, ROOT } from "./wrangler-config";

/** Runs the project's pinned wrangler; CI=true keeps it from prompting. */
export function runWrangler(args: string[], options: { quiet?: boolean } = {}): string {
  const bin = path.join(ROOT, "node_modules", ".bin", "wrangler");
  const result = spawnSync(bin, args, {
    cwd: ROOT,
    env: { ...process.env, CI: "true", ...OFFLINE_WRANGLER_ENV },
    encoding: "utf8",
    stdio: options.quiet ? "pipe" : ["ignore", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    throw new Error(
      `wrangler ${args.join(" ")} failed (${result.status ?? "signal"}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}
