/** The tenant's own activity log. */
import { api } from "../api";
import { auditPanel } from "../audit-table";
import { h } from "../dom";
import { page } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { supportBanner } from "./access";

export async function tenantAuditView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  // Loaded once up front so a refusal (403) shows as the screen, not inside the table.
  const first = await api.tenant.audit(tenantId, { limit: 1 });
  return page(
    "Activity log",
    supportBanner(tenantId),
    h(
      "p",
      {},
      `Every change made to this business's settings, team and keys (${first.total} in all).`,
    ),
    auditPanel((q) => api.tenant.audit(tenantId, q), { showTenant: false }),
  );
}
