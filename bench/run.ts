/**
 * `npm run bench`: every benchmark, one after the other, with its default size. Each prints its
 * own figures; record them in docs/BENCHMARKS.md with the command and the date.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const suites = [
  { file: "bench/api.ts", args: [] as string[] },
  { file: "bench/memory.ts", args: [] as string[] },
  { file: "bench/calls.ts", args: ["--calls", "20", "--seconds", "20"] },
];

let failed = 0;
for (const suite of suites) {
  if (!existsSync(path.join(root, suite.file))) continue;
  console.log(`\n=== ${suite.file} ${suite.args.join(" ")}`);
  const result = spawnSync(
    path.join(root, "node_modules", ".bin", "tsx"),
    [suite.file, ...suite.args],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
