import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests claim fresh tenant databases; these extra pool bindings keep files from competing for the three in wrangler.toml.
const TEST_POOL_DATABASES = Object.fromEntries(
  Array.from({ length: 40 }, (_, i) => {
    const name = `TENANT_POOL_T${String(i + 1).padStart(2, "0")}`;
    return [name, `test-${name.toLowerCase()}`];
  }),
);

// Migrations are read here (Node) and applied inside the Workers runtime by test/setup/apply-migrations.ts.
export default defineConfig(async () => {
  const platformMigrations = await readD1Migrations(
    path.join(import.meta.dirname, "migrations/platform"),
  );
  const tenantMigrations = await readD1Migrations(
    path.join(import.meta.dirname, "migrations/tenant"),
  );
  return {
    plugins: [
      // Function form: bindings can use the URLs of simulators started in test/setup/global-sims.ts.
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          // TENANT_UNMIGRATED is bound but never migrated, so health and resolution can be tested against it.
          d1Databases: { ...TEST_POOL_DATABASES, TENANT_UNMIGRATED: "test-tenant-unmigrated" },
          bindings: {
            TEST_PLATFORM_MIGRATIONS: platformMigrations,
            TEST_TENANT_MIGRATIONS: tenantMigrations,
            PUBLIC_BASE_URL: "https://receptionist.test",
            TWILIO_ACCOUNT_SID: "ACtest00000000000000000000000000000",
            TWILIO_AUTH_TOKEN: "test-twilio-auth-token",
            OPENAI_API_KEY: "",
            SECRETS_MASTER_KEY: "DqluJSeai6k7DSrSMvaIMxRyxz80DNhzWvt0drUu/5o=",
            PLATFORM_ADMIN_EMAIL: "root@platform.test",
            PLATFORM_ADMIN_PASSWORD: "correct horse battery staple",
            OPENAI_REALTIME_URL: inject("realtimeSimUrl"),
            OPENAI_BASE_URL: inject("realtimeSimHttpBaseUrl"),
            // Live-call tests redirect calls (transfer) through the Twilio REST simulator.
            TWILIO_API_BASE_URL: inject("twilioRestUrl"),
          },
        },
      })),
    ],
    test: {
      include: ["test/**/*.test.ts"],
      exclude: ["test/browser/**"],
      setupFiles: ["./test/setup/apply-migrations.ts"],
      // Local simulators (Twilio REST, …) started in Node; tests get their URLs with inject().
      globalSetup: ["./test/setup/global-sims.ts"],
      // The Worker logs a JSON line per request and call event; print a test's logs only when
      // it fails, so a failure is not lost among thousands of lines. Console output from inside
      // workerd reaches vitest through the pool, so this covers the Worker and the call object.
      silent: "passed-only" as const,
      // Live-call tests run real sockets against the simulators; on a loaded 2-core machine
      // (CI, or a developer running other work) vitest's 5 s default cut them off mid-call.
      // Speed is measured by the benchmarks, never by these timeouts.
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
