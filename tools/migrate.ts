/**
 * Applies migrations to every database the deploy binds: the platform database and every
 * tenant database (demo tenants and the warm pool), locally or with --remote.
 *   npx tsx tools/migrate.ts --local | --remote
 */
import { runWrangler } from "./run-wrangler";
import { boundDatabases } from "./wrangler-config";

export function migrateAll(
  target: "--local" | "--remote",
  options: { persistTo?: string; quiet?: boolean } = {},
): void {
  const say = (text: string) => {
    if (!options.quiet) process.stdout.write(text);
  };
  for (const db of boundDatabases()) {
    say(`migrating ${db.binding} (${db.migrationsDir}) ${target} … `);
    const args = ["d1", "migrations", "apply", db.databaseName, target];
    if (options.persistTo) args.push("--persist-to", options.persistTo);
    const out = runWrangler(args, { quiet: true });
    say(/No migrations to apply/i.test(out) ? "up to date\n" : "applied\n");
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ""}`) {
  const target = process.argv.includes("--remote") ? "--remote" : "--local";
  migrateAll(target);
}
