// Mutation testing (StrykerJS) for the call path and tenancy modules: `npm run test:mutation`.
// Not part of `npm test` or .ci/run: every mutant re-runs Workers-pool tests, so a run costs
// minutes of CPU per mutated file. Scores are recorded in docs/BENCHMARKS.md ("Mutation score").
//
// Two sets, chosen with MUTATION_SET:
// - "small" (default): one module and the test files that exercise it, so a run stays bounded
//   on a shared two-core machine.
// - "full" (`npm run test:mutation:full`): the call path and tenancy modules, against the test
//   folders that cover them.
//
// Stryker 9.6 is the last line that runs on Node 20 (10.x needs Node 22). Its vitest runner drives
// our Workers-pool config (vitest.mutation.config.ts = vitest.config.ts with longer test timeouts):
// it asks for the "threads" pool, but the cloudflareTest plugin sets the pool again in
// `configureVitest`, after Stryker's options are applied, so tests still run inside workerd, and
// Stryker's setup file (coverage, active mutant) runs in the same isolate as the Worker and its
// Durable Objects. So the command runner (whole test files per mutant) is not needed.

/** @type {Record<string, { mutate: string[]; testFiles: string[] }>} */
const SETS = {
  small: {
    mutate: ["workers/calls/stream-token.ts"],
    testFiles: ["test/calls/stream-token.test.ts"],
  },
  full: {
    mutate: [
      "durable-objects/call-session/session-setup.ts",
      "durable-objects/call-session/stream-start.ts",
      "workers/calls/stream-token.ts",
      "workers/calls/twilio-auth.ts",
      "workers/tenancy/tenant-context.ts",
      "workers/agents/instructions.ts",
    ],
    testFiles: [
      "test/calls/*.test.ts",
      "test/tenancy/*.test.ts",
      "test/twilio/signature.test.ts",
      "test/agents/instructions.test.ts",
    ],
  },
};

const setName = process.env.MUTATION_SET ?? "small";
const set = SETS[setName];
if (!set) throw new Error(`MUTATION_SET must be one of ${Object.keys(SETS).join(", ")}`);

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  // `related` would follow imports from every test file; the sets above name the tests instead.
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: set.mutate,
  testFiles: set.testFiles,
  // Only the tests that reach a mutant run for it (coverage is counted inside workerd).
  coverageAnalysis: "perTest",
  // Static mutants (module-level code, e.g. the zod schema in stream-token.ts) are not reliably
  // active in the Worker and Durable Object code workerd runs: `tid: z.string().min(100)` was
  // reported as surviving, yet the same edit made by hand fails 8 of call-session.test.ts's tests.
  // They are reported as "ignored" rather than counted as false survivors.
  ignoreStatic: true,
  // One vitest (and one workerd) at a time: the machine is shared. Raise with --concurrency.
  concurrency: 1,
  // A mutant that loops or hangs a call is stopped and counted as a timeout, not waited for:
  // the limit is the test's own time x1.5 plus a minute (Workers-pool setup is slow under load).
  timeoutMS: 60_000,
  timeoutFactor: 1.5,
  dryRunTimeoutMinutes: 10,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: `reports/mutation/${setName}.html` },
  jsonReporter: { fileName: `reports/mutation/${setName}.json` },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  // Keep the sandbox copy small: build output and local state are not needed to run the tests.
  ignorePatterns: [
    "admin-ui/dist",
    ".wrangler",
    "test-results",
    "reports",
    "coverage",
    ".bench-state",
    ".work",
  ],
  thresholds: { high: 80, low: 60, break: null },
};
