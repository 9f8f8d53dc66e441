/**
 * `npm run dev`: `wrangler dev` with the offline environment (tools/wrangler-config.ts), so a
 * fresh clone starts without touching the internet. Extra arguments go to wrangler
 * (`npm run dev -- --port 8797`).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { OFFLINE_WRANGLER_ENV, ROOT } from "./wrangler-config";

const child = spawn(
  path.join(ROOT, "node_modules", ".bin", "wrangler"),
  ["dev", ...process.argv.slice(2)],
  { cwd: ROOT, stdio: "inherit", env: { ...process.env, ...OFFLINE_WRANGLER_ENV } },
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
