/**
 * Prints one closing line for every vitest suite that ran (`Tests: N passed, N failed`), from
 * the JSON reports the configs write to test-results/. Exits non-zero when a test failed, or a
 * suite is missing or ran no test, so a silently empty run is never taken for a pass. The last
 * step of `npm test` (script test:suites), which runs both suites whatever the first gives, so
 * the run always ends with the counts and this exit code.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

const Report = z.object({
  numPassedTests: z.number(),
  numFailedTests: z.number(),
  numPendingTests: z.number().default(0),
  numTodoTests: z.number().default(0),
});

const root = path.resolve(import.meta.dirname, "..");
const suites = ["workers", "browser"];
let passed = 0;
let failed = 0;
let skipped = 0;
let problems = 0;
for (const suite of suites) {
  const file = path.join(root, "test-results", `${suite}.json`);
  if (!existsSync(file)) {
    console.error(`no report for the ${suite} suite (${file})`);
    problems += 1;
    continue;
  }
  const report = Report.parse(JSON.parse(readFileSync(file, "utf8")));
  if (report.numPassedTests + report.numFailedTests === 0) {
    console.error(`the ${suite} suite ran no test`);
    problems += 1;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || problems > 0 ? 1 : 0);
