/** What the deploy binds, read from wrangler.toml with wrangler's own reader. */
import path from "node:path";
import { unstable_readConfig } from "wrangler";
import { z } from "zod";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const WRANGLER_TOML = path.join(ROOT, "wrangler.toml");

const BoundConfig = z.object({
  d1_databases: z.array(
    z.object({
      binding: z.string(),
      database_name: z.string().optional(),
      migrations_dir: z.string().optional(),
    }),
  ),
});

export interface BoundDatabase {
  binding: string;
  databaseName: string;
  migrationsDir: string;
}

export function boundDatabases(): BoundDatabase[] {
  // wrangler's config types come from a package it bundles; check the part we use instead.
  const raw = unstable_readConfig({ config: WRANGLER_TOML }) as unknown;
  return BoundConfig.parse(raw).d1_databases.map((db) => ({
    binding: db.binding,
    databaseName: db.database_name ?? db.binding,
    migrationsDir: db.migrations_dir ?? "migrations",
  }));
}
