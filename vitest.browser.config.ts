/**
 * Browser tests of the admin app: Node (not the Workers pool) drives Debian's Chromium with
 * playwright-core against a private local platform (`wrangler dev` on fresh state), started once
 * for all files by test/browser/support/global-setup.ts.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/browser/support/global-setup.ts"],
    // One Chromium at a time: the machine running the suite may have only two cores.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    // Logs of failing tests only (see vitest.config.ts).
    silent: "passed-only",
  },
});
