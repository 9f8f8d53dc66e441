import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config";

// The Workers-pool config, for mutation runs (stryker.config.mjs) only: instrumented code on a
// busy machine runs a few times slower, and the 5 s default test timeout then fails tests that
// pass in `npm test`. A mutant that really hangs is still stopped by Stryker's own timeout.
export default defineConfig(async (env) =>
  mergeConfig(await base(env), { test: { testTimeout: 30_000, hookTimeout: 30_000 } }),
);
