/**
 * Refills the warm pool of tenant databases.
 *   npx tsx tools/provision-pool.ts --count 3 [--remote]
 * Adds TENANT_POOL_NNN bindings to wrangler.toml (with --remote, creating each D1 database
 * with `wrangler d1 create` and recording its id), then migrates them. A new binding only
 * reaches the Worker with the next deploy, which also restarts live calls' objects: that is
 * why databases are provisioned ahead of need in batches, not one per signup.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { runWrangler } from "./run-wrangler";
import { migrateAll } from "./migrate";
import { WRANGLER_TOML, boundDatabases } from "./wrangler-config";
import { writeWorkerTypes } from "./worker-types";

const END_MARKER = "# tenant-databases:end";

function argValue(name: string, fallback: string): string {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const count = Number(argValue("--count", "3"));
const remote = process.argv.includes("--remote");
if (!Number.isInteger(count) || count < 1 || count > 50) {
  console.error("--count must be a whole number from 1 to 50");
  process.exit(2);
}

const existing = boundDatabases().map((d) => d.binding);
let next =
  1 +
  Math.max(
    0,
    ...existing
      .filter((b) => b.startsWith("TENANT_POOL_"))
      .map((b) => Number(b.slice("TENANT_POOL_".length)) || 0),
  );
let toml = readFileSync(WRANGLER_TOML, "utf8");
if (!toml.includes(END_MARKER)) throw new Error(`wrangler.toml lacks the '${END_MARKER}' marker`);

for (let i = 0; i < count; i++, next++) {
  const binding = `TENANT_POOL_${String(next).padStart(3, "0")}`;
  const name = `neurosphere-tenant-pool-${String(next).padStart(3, "0")}`;
  let id: string = randomUUID();
  if (remote) {
    const out = runWrangler(["d1", "create", name], { quiet: true });
    const match = /database_id"?\s*[:=]\s*"([0-9a-f-]{36})"/.exec(out);
    if (!match?.[1])
      throw new Error(`could not read the database id from wrangler d1 create:\n${out}`);
    id = match[1];
  }
  const block = `[[d1_databases]]\nbinding = "${binding}"\ndatabase_name = "${name}"\ndatabase_id = "${id}"\nmigrations_dir = "migrations/tenant"\n\n`;
  toml = toml.replace(END_MARKER, `${block}${END_MARKER}`);
  console.log(`added ${binding} (${name})`);
}
writeFileSync(WRANGLER_TOML, toml);
// The new bindings are part of Env (worker-configuration.d.ts); `npm test` checks it is current.
writeWorkerTypes();
migrateAll(remote ? "--remote" : "--local");
console.log(
  remote
    ? "Now deploy (npx wrangler deploy) so the Worker sees the new bindings."
    : "Restart `npm run dev` to pick up the new bindings.",
);
