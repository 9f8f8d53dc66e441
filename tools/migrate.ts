/**
 * Applies migrations to every database the deploy binds: the platform database and every
 * tenant database (demo tenants and the warm pool), locally or with --remote.
 *   npx tsx tools/migrate.ts --local | --remote
 */
import { runWrangler } from "./run-wrangler";
import { boundDatabases } from "./wrangler-config";

export function migrateAll(target: "--local" | "--remote"): void {
  for (const db of boundDatabases()) {
    process.stdout.write(`migrating ${db.binding} (${db.migrationsDir}) ${target} … `);
    const out = runWrangler(["d1", "migrations", "apply", db.databaseName, target], {
      quiet: true,
    });
    process.stdout.write(/No migrations to apply/i.test(out) ? "up to date\n" : "applied\n");
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  const target = process.argv.includes("--remote") ? "--remote" : "--local";
  migrateAll(target);
}
