/**
 * Prepares local state for `wrangler dev`, idempotently:
 *  1. .dev.vars from .dev.vars.example (first run only),
 *  2. every bound D1 database migrated locally,
 *  3. demo tenants, numbers, callers and memories seeded; new demo API keys printed once
 *     and kept in .wrangler/demo-api-keys.json (ignored by git).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getPlatformProxy } from "wrangler";
import type { Env } from "../workers/env";
import { seedDemo } from "../workers/seed/seed";
import { migrateAll } from "./migrate";
import {
  LOCAL_STATE_DIR,
  OFFLINE_WRANGLER_ENV,
  ROOT,
  writeDatabasesOnlyConfig,
} from "./wrangler-config";

Object.assign(process.env, OFFLINE_WRANGLER_ENV);

const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("created .dev.vars from .dev.vars.example");
}

migrateAll("--local");

const proxy = await getPlatformProxy<Env>({
  configPath: writeDatabasesOnlyConfig(),
  persist: { path: LOCAL_STATE_DIR },
  remoteBindings: false,
});
try {
  const report = await seedDemo(proxy.env, { createApiKeys: true });
  const keysFile = path.join(ROOT, ".wrangler", "demo-api-keys.json");
  mkdirSync(path.dirname(keysFile), { recursive: true });
  const known: Record<string, string> = existsSync(keysFile)
    ? (JSON.parse(readFileSync(keysFile, "utf8")) as Record<string, string>)
    : {};
  for (const { slug, key } of report.apiKeys) known[slug] = key;
  writeFileSync(keysFile, JSON.stringify(known, null, 2));
  console.log(`seeded ${report.templates} templates and ${report.tenants.length} demo tenants:`);
  for (const t of report.tenants)
    console.log(
      `  ${t.slug.padEnd(28)} ${t.phoneNumber}  ${t.binding}  api key: ${known[t.slug] ?? "(see .wrangler/demo-api-keys.json)"}`,
    );
  console.log("platform admin: PLATFORM_ADMIN_EMAIL / PLATFORM_ADMIN_PASSWORD from .dev.vars");
} finally {
  await proxy.dispose();
}
