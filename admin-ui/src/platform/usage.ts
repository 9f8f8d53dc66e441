/** Operators: usage per tenant over a period, as a table and a chart. */
import { api } from "../api";
import { barChart } from "../chart";
import { h } from "../dom";
import { navigate } from "../router";
import { field, link, page, table } from "../ui";
import type { ViewContext } from "../view";

export async function usageView(ctx: ViewContext): Promise<HTMLElement> {
  const from = ctx.query.get("from") ?? undefined;
  const to = ctx.query.get("to") ?? undefined;
  const usage = await api.platform.usage({ from, to });
  const fromField = field("From", h("input", { type: "date", value: usage.from }), {
    name: "from",
  });
  const toField = field("To", h("input", { type: "date", value: usage.to }), { name: "to" });
  const form = h(
    "form",
    { class: "filters" },
    fromField.wrapper,
    toField.wrapper,
    h("button", { type: "submit" }, "Show"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    navigate(`/platform/usage?from=${fromField.input.value}&to=${toField.input.value}`);
  });
  const sorted = [...usage.tenants].sort((a, b) => b.totals.minutes - a.totals.minutes);
  return page(
    "Usage",
    form,
    barChart(
      `Minutes per tenant, ${usage.from} to ${usage.to}`,
      sorted.slice(0, 20).map((t) => ({ label: t.slug, value: t.totals.minutes })),
      "minutes",
    ),
    table(
      "Usage per tenant",
      ["Tenant", "Calls", "Minutes", "Model tokens in", "Model tokens out", "Texts"],
      sorted.map((t) => [
        link(`/platform/tenants/${encodeURIComponent(t.tenantId)}`, t.businessName),
        String(t.totals.calls),
        String(t.totals.minutes),
        String(t.totals.modelInputTokens),
        String(t.totals.modelOutputTokens),
        String(t.totals.smsSent),
      ]),
      "No usage in this period.",
    ),
  );
}
