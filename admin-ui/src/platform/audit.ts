/** Operators: the platform-wide audit log. */
import { api } from "../api";
import { auditPanel } from "../audit-table";
import { page } from "../ui";

export function auditView(): HTMLElement {
  return page(
    "Audit log",
    auditPanel((q) => api.platform.audit(q), { showTenant: true }),
  );
}
