/** Operators: system health — databases, migrations and the warm pool. */
import { api } from "../api";
import { h } from "../dom";
import { badge, page, table } from "../ui";

function cell(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

function objectTable(caption: string, rows: Record<string, unknown>[]): HTMLElement {
  const headers = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return table(
    caption,
    headers,
    rows.map((r) => headers.map((k) => cell(r[k]))),
    "None.",
  );
}

export async function healthView(): Promise<HTMLElement> {
  const health = await api.platform.health();
  return page(
    "System health",
    h(
      "p",
      {},
      "Overall: ",
      badge(health.ok ? "healthy" : "attention needed", health.ok ? "active" : "suspended"),
    ),
    h(
      "p",
      {},
      `Tenant databases should have ${health.expectedTenantMigrations.length} migrations applied` +
        `${health.expectedTenantMigrations.length > 0 ? `, the latest ${health.expectedTenantMigrations.at(-1) ?? ""}` : ""}.`,
    ),
    h("h2", {}, "Tenant databases"),
    objectTable("Tenant databases", health.tenants ?? []),
    h("h2", {}, "Warm pool"),
    objectTable("Warm pool", health.pool ?? []),
  );
}
