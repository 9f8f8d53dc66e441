/** The call log (filter, paginate) and one call: transcript, summary and metrics. */
import { api } from "../api";
import type { CallRow } from "../api-types";
import { formatDate, formatDuration, h } from "../dom";
import { navigate } from "../router";
import { badge, field, link, page, pager, select, table } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { supportBanner } from "./access";

const PAGE = 25;

// The outcomes the call object records (durable-objects/call-session/finalise.ts).
const CALL_OUTCOMES = [
  { value: "handled", label: "Handled by the agent" },
  { value: "transferred", label: "Transferred" },
  { value: "message_taken", label: "Message taken" },
  { value: "no_conversation", label: "No conversation" },
];

function callsPath(tenantId: string, query: URLSearchParams): string {
  const text = query.toString();
  return `/t/${encodeURIComponent(tenantId)}/calls${text ? `?${text}` : ""}`;
}

export async function callsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const q = ctx.query;
  const offset = Math.max(0, Number(q.get("offset") ?? "0") || 0);
  const answer = await api.tenant.calls(tenantId, {
    caller: q.get("caller") ?? undefined,
    outcome: q.get("outcome") ?? undefined,
    from: q.get("from") ?? undefined,
    to: q.get("to") ?? undefined,
    limit: PAGE,
    offset,
  });

  const caller = field(
    "Caller",
    h("input", { type: "search", value: q.get("caller") ?? "", placeholder: "Name or phone" }),
    {
      name: "caller",
    },
  );
  const outcome = field(
    "Outcome",
    select(
      [
        { value: "", label: "Any" },
        ...CALL_OUTCOMES.map((o) => ({ value: o.value, label: o.label })),
      ],
      q.get("outcome") ?? "",
    ),
    { name: "outcome" },
  );
  const from = field("From", h("input", { type: "date", value: q.get("from") ?? "" }), {
    name: "from",
  });
  const to = field("To", h("input", { type: "date", value: q.get("to") ?? "" }), { name: "to" });
  const filters = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter calls" },
    caller.wrapper,
    outcome.wrapper,
    from.wrapper,
    to.wrapper,
    h("button", { type: "submit" }, "Filter"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const f of [caller, outcome, from, to]) {
      const value = f.input.value.trim();
      if (value) next.set(f.wrapper.dataset.field ?? "", value);
    }
    navigate(callsPath(tenantId, next));
  });

  const rows = answer.calls.map((call: CallRow) => [
    link(
      `/t/${encodeURIComponent(tenantId)}/calls/${encodeURIComponent(call.callSid)}`,
      formatDate(call.startedAt),
    ),
    call.callerName ? `${call.callerName} (${call.fromNumber})` : call.fromNumber,
    formatDuration(call.durationSeconds),
    badge(call.outcome ?? call.status),
    call.summary ?? "—",
  ]);
  return page(
    "Call log",
    supportBanner(tenantId),
    filters,
    table(
      "Calls",
      ["When", "Caller", "Length", "Outcome", "Summary"],
      rows,
      "No calls match these filters.",
    ),
    pager(offset, PAGE, answer.total, (o) => {
      const next = new URLSearchParams(q);
      next.set("offset", String(o));
      navigate(callsPath(tenantId, next));
    }),
  );
}

/** An open item as stored by the post-call job (`{ key, text }`), or older plain text. */
function openItemText(item: unknown): string {
  if (typeof item === "string") return item;
  if (typeof item === "object" && item !== null && "text" in item && typeof item.text === "string")
    return item.text;
  return JSON.stringify(item);
}

export async function callDetailView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const callSid = param(ctx, "callSid");
  const { call, transcript, summary, metrics } = await api.tenant.call(tenantId, callSid);
  const facts = h(
    "dl",
    { class: "facts" },
    ...[
      ["Caller", call.callerName ? `${call.callerName} (${call.fromNumber})` : call.fromNumber],
      ["Called", call.toNumber],
      ["Started", formatDate(call.startedAt)],
      ["Length", formatDuration(call.durationSeconds)],
      ["Outcome", call.outcome ?? call.status],
      ["Ended because", call.endReason ?? "—"],
      ["Transferred to", call.transferredTo ?? "—"],
      ["Tools used", call.toolsUsed.length > 0 ? call.toolsUsed.join(", ") : "—"],
    ].flatMap(([k, v]) => [h("dt", {}, k ?? ""), h("dd", {}, v ?? "")]),
  );
  const summaryCard = h(
    "div",
    { class: "card" },
    h("h2", {}, "Summary"),
    summary
      ? [
          h("p", {}, summary.summary),
          summary.sentiment
            ? h("p", {}, h("strong", {}, "Caller mood: "), summary.sentiment)
            : null,
          summary.openItems.length > 0
            ? [
                h("h3", {}, "Open items"),
                h(
                  "ul",
                  {},
                  summary.openItems.map((i) => h("li", {}, openItemText(i))),
                ),
              ]
            : null,
        ]
      : h(
          "p",
          { class: "empty" },
          call.postCallStatus === "failed"
            ? "The summary could not be made."
            : "No summary yet; it appears a minute or two after the call ends.",
        ),
  );
  const metricsCard = h(
    "div",
    { class: "card" },
    h("h2", {}, "How the agent did"),
    metrics.length > 0
      ? h(
          "ul",
          { class: "metrics" },
          metrics.map((m) =>
            h(
              "li",
              {},
              h("span", {}, m.metric.replace(/_/g, " ")),
              // The post-call analysis scores each metric from 0 to 1; shown as a percentage.
              h("meter", {
                min: 0,
                max: 1,
                value: m.value,
                "aria-label": m.metric,
                "aria-valuetext": `${Math.round(m.value * 100)}%`,
              }),
              h("span", {}, `${Math.round(m.value * 100)}%`),
            ),
          ),
        )
      : h("p", { class: "empty" }, "No metrics for this call."),
  );
  const transcriptCard = h(
    "div",
    { class: "card" },
    h("h2", {}, "Transcript"),
    transcript.length > 0
      ? h(
          "ol",
          { class: "transcript" },
          transcript.map((turn) =>
            h(
              "li",
              { class: `turn turn-${turn.speaker}` },
              h(
                "span",
                { class: "speaker" },
                turn.speaker === "agent"
                  ? "Agent"
                  : turn.speaker === "caller"
                    ? "Caller"
                    : "System",
              ),
              h("p", {}, turn.text),
            ),
          ),
        )
      : h("p", { class: "empty" }, "No transcript was recorded."),
  );
  return page(
    `Call on ${formatDate(call.startedAt)}`,
    supportBanner(tenantId),
    link(`/t/${encodeURIComponent(tenantId)}/calls`, "← Back to the call log"),
    h("div", { class: "card" }, facts),
    summaryCard,
    metricsCard,
    transcriptCard,
  );
}
