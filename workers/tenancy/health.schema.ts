/** The answer of `GET /api/platform/health`; the domain types below are inferred from it. */
import { z } from "zod";

export const DatabaseState = z.enum(["ready", "binding_missing", "unmigrated"]);

export const TenantHealth = z.object({
  tenantId: z.string(),
  slug: z.string(),
  status: z.string(),
  binding: z.string(),
  database: DatabaseState,
  missingMigrations: z.array(z.string()),
});

export const PlatformHealth = z
  .object({
    ok: z.boolean().describe("False when an active tenant's database is missing or unmigrated"),
    expectedTenantMigrations: z.array(z.string()).readonly(),
    tenants: z.array(TenantHealth),
    pool: z.array(
      z.object({
        binding: z.string(),
        database: DatabaseState,
        missingMigrations: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: "PlatformHealth" });
