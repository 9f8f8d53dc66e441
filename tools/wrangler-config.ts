/** What the deploy binds, read from wrangler.toml with wrangler's own reader. */
import { mkdirSync, writeFileSync } from "node:fs";
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

/**
 * The environment every wrangler/miniflare process of ours runs with, so local development
 * makes no request to the internet: no usage metrics (WRANGLER_SEND_METRICS) and no download of
 * the `Request.cf` object from workers.cloudflare.com (CLOUDFLARE_CF_FETCH_ENABLED; miniflare's
 * placeholder is used instead).
 */
export const OFFLINE_WRANGLER_ENV = {
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
} as const;

const D1Only = z.object({
  name: z.string(),
  compatibility_date: z.string(),
  compatibility_flags: z.array(z.string()).default([]),
  d1_databases: z.array(z.looseObject({ binding: z.string() })),
});

/**
 * wrangler.toml reduced to its D1 databases, for getPlatformProxy (seeding). The full config
 * binds the call object, whose class only the Worker's own module exports: a proxy without that
 * module warns that the Durable Object "will not work in local development". Seeding needs only
 * the databases. Returns the path of the reduced config (written under .wrangler/, not tracked).
 */
export function writeDatabasesOnlyConfig(): string {
  const raw = D1Only.parse(unstable_readConfig({ config: WRANGLER_TOML }) as unknown);
  const file = path.join(ROOT, ".wrangler", "tmp", "databases-only.wrangler.json");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(raw, null, 2));
  return file;
}

/** Where `wrangler dev` keeps local state, whatever config file a proxy is started from. */
export const LOCAL_STATE_DIR = path.join(ROOT, ".wrangler", "state", "v3");
