/**
 * The cron trigger: every minute, deliver each active tenant's due texts (new ones and retries
 * whose backoff has passed). A tenant that cannot be served now is skipped and tried next minute.
 */
import { eq } from "drizzle-orm";
import { platformDb } from "../db/handles";
import { tenants } from "../db/platform.schema";
import type { Env } from "../env";
import { log } from "../observability/log";
import { resolveTenant } from "../tenancy/tenant-context";
import { deliverDueSms } from "./outbox";

export async function deliverAllDueSms(env: Env, now = new Date()): Promise<void> {
  const active = await platformDb(env.PLATFORM_DB)
    .select({ id: tenants.id })
    .from(tenants)
    .where(eq(tenants.status, "active"));
  for (const { id } of active) {
    const resolution = await resolveTenant(env, { kind: "scheduled", tenantId: id });
    if (!resolution.ok) continue;
    try {
      const report = await deliverDueSms(env, resolution.ctx, { now });
      if (report.sent + report.retrying + report.failed > 0)
        log("info", "sms.delivery_run", { tenantId: id, ...report });
    } catch (error) {
      log("error", "sms.delivery_run_failed", {
        tenantId: id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
