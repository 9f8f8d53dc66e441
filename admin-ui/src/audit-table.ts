/** The audit log as a filterable, paginated table (platform-wide or one tenant). */
import type { AuditEntry } from "./api-types";
import { formatDate, h } from "./dom";
import { field, pager, table } from "./ui";

const PAGE = 50;

export function auditPanel(
  load: (query: {
    action?: string;
    limit: number;
    offset: number;
  }) => Promise<{ entries: AuditEntry[]; total: number }>,
  options: { showTenant: boolean },
): HTMLElement {
  const action = field(
    "Action",
    h("input", { type: "search", placeholder: "e.g. agent.update or team.*" }),
    {
      name: "action",
      hint: "An exact action, or a prefix ending in * .",
    },
  );
  const results = h("div", { "aria-live": "polite" }, "Loading…");
  let offset = 0;
  async function refresh(): Promise<void> {
    const value = action.input.value.trim();
    const answer = await load({ ...(value ? { action: value } : {}), limit: PAGE, offset });
    const headers = ["When", "Who", ...(options.showTenant ? ["Tenant"] : []), "Action", "Target"];
    results.replaceChildren(
      table(
        "Audit entries",
        headers,
        answer.entries.map((e) => [
          formatDate(e.at),
          e.actorEmail ?? `${e.actorType}${e.actorId ? ` ${e.actorId}` : ""}`,
          ...(options.showTenant ? [e.tenantId ?? "—"] : []),
          h("code", {}, e.action),
          e.target ?? "—",
        ]),
        "No entries match.",
      ),
      pager(offset, PAGE, answer.total, (o) => {
        offset = o;
        void refresh();
      }),
    );
  }
  const form = h(
    "form",
    { class: "filters", role: "search" },
    action.wrapper,
    h("button", { type: "submit" }, "Filter"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    offset = 0;
    void refresh().catch((error: unknown) => results.replaceChildren(String(error)));
  });
  void refresh().catch((error: unknown) =>
    results.replaceChildren(
      h(
        "p",
        { class: "status status-error", role: "alert" },
        error instanceof Error ? error.message : "Could not load",
      ),
    ),
  );
  return h("div", {}, form, results);
}
