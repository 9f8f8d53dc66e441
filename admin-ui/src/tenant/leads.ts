/** Leads: a board by stage (default) or a list, and moving a lead to another stage. */
import { LEAD_STAGES } from "../../../workers/leads/leads.schema";
import { api } from "../api";
import type { Lead, LeadEvent, LeadStage } from "../api-types";
import { announce, formatDate, h } from "../dom";
import { navigate } from "../router";
import { badge, link, messageFor, page, pager, select, statusBox, table } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, supportBanner } from "./access";

const STAGE_LABEL: Record<LeadStage, string> = {
  new: "New",
  contacted: "Contacted",
  qualified: "Qualified",
  won: "Won",
  lost: "Lost",
};
const PAGE = 50;

function stageMover(
  tenantId: string,
  lead: Lead,
  box: ReturnType<typeof statusBox>,
  done: () => void,
): HTMLElement {
  const picker = select(
    LEAD_STAGES.map((s) => ({ value: s, label: STAGE_LABEL[s] })),
    lead.stage,
  );
  picker.setAttribute("aria-label", `Stage of ${lead.name ?? lead.phone ?? "this lead"}`);
  picker.addEventListener("change", () => {
    picker.disabled = true;
    api.tenant
      .moveLead(tenantId, lead.id, { stage: picker.value as LeadStage })
      .then(() => {
        // The screen is redrawn, so the confirmation goes to the page-wide live region.
        announce(`${lead.name ?? "Lead"} moved to ${STAGE_LABEL[picker.value as LeadStage]}.`);
        done();
      })
      .catch((error: unknown) => {
        picker.value = lead.stage;
        box.show("error", messageFor(error));
      })
      .finally(() => (picker.disabled = false));
  });
  return picker;
}

function leadPath(tenantId: string, lead: Lead): string {
  return `/t/${encodeURIComponent(tenantId)}/leads/${encodeURIComponent(lead.id)}`;
}

function leadCard(
  tenantId: string,
  lead: Lead,
  box: ReturnType<typeof statusBox>,
  done: () => void,
  movable: boolean,
): HTMLElement {
  return h(
    "li",
    { class: "lead-card" },
    h("p", { class: "lead-name" }, link(leadPath(tenantId, lead), lead.name ?? "Unnamed caller")),
    lead.phone ? h("p", {}, lead.phone) : null,
    lead.reason ? h("p", { class: "hint" }, lead.reason) : null,
    h("p", { class: "hint" }, formatDate(lead.createdAt)),
    movable ? stageMover(tenantId, lead, box, done) : null,
  );
}

export async function leadsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const mode = ctx.query.get("view") === "list" ? "list" : "board";
  const base = `/t/${encodeURIComponent(tenantId)}/leads`;
  const box = statusBox();
  const movable = can(tenantId, "staff");
  const toggle = h(
    "div",
    { class: "segmented", role: "group", "aria-label": "Show leads as" },
    h("a", { href: `#${base}`, "aria-current": mode === "board" ? "page" : null }, "Board"),
    h("a", { href: `#${base}?view=list`, "aria-current": mode === "list" ? "page" : null }, "List"),
  );
  if (mode === "board") {
    const { stages } = await api.tenant.board(tenantId);
    const board = h(
      "div",
      { class: "board" },
      stages.map((column) =>
        h(
          "section",
          { class: "board-column", "aria-labelledby": `stage-${column.stage}` },
          h(
            "h2",
            { id: `stage-${column.stage}` },
            `${STAGE_LABEL[column.stage]} `,
            h("span", { class: "count" }, `(${column.total})`),
          ),
          column.leads.length > 0
            ? h(
                "ul",
                {},
                column.leads.map((lead) => leadCard(tenantId, lead, box, ctx.rerender, movable)),
              )
            : h("p", { class: "empty" }, "None"),
        ),
      ),
    );
    return page("Leads", supportBanner(tenantId), toggle, box, board);
  }
  const stage = ctx.query.get("stage") ?? "";
  const offset = Math.max(0, Number(ctx.query.get("offset") ?? "0") || 0);
  const answer = await api.tenant.leads(tenantId, {
    stage: stage || undefined,
    limit: PAGE,
    offset,
  });
  const stageFilter = select(
    [
      { value: "", label: "All stages" },
      ...LEAD_STAGES.map((s) => ({ value: s, label: STAGE_LABEL[s] })),
    ],
    stage,
  );
  stageFilter.setAttribute("aria-label", "Stage");
  stageFilter.addEventListener("change", () =>
    navigate(`${base}?view=list${stageFilter.value ? `&stage=${stageFilter.value}` : ""}`),
  );
  return page(
    "Leads",
    supportBanner(tenantId),
    toggle,
    h("div", { class: "filters" }, h("label", {}, "Stage ", stageFilter)),
    box,
    table(
      "Leads",
      ["Name", "Phone", "Reason", "Stage", "Created"],
      answer.leads.map((lead) => [
        link(leadPath(tenantId, lead), lead.name ?? "Unnamed caller"),
        lead.phone ?? "—",
        lead.reason ?? "—",
        movable
          ? stageMover(tenantId, lead, box, ctx.rerender)
          : badge(STAGE_LABEL[lead.stage], lead.stage),
        formatDate(lead.createdAt),
      ]),
      "No leads yet: the agent adds one when a caller wants a quote or a callback.",
    ),
    pager(offset, PAGE, answer.total, (o) =>
      navigate(`${base}?view=list${stage ? `&stage=${stage}` : ""}&offset=${o}`),
    ),
  );
}

function isStage(value: string | null): value is LeadStage {
  return (LEAD_STAGES as readonly (string | null)[]).includes(value);
}

function stageName(value: string | null): string {
  return isStage(value) ? STAGE_LABEL[value] : (value ?? "—");
}

/** One line of a lead's history, in words. */
function describeEvent(event: LeadEvent): string {
  if (event.type === "created") return "Lead captured";
  if (event.type === "stage_changed")
    return `Moved from ${stageName(event.fromStage)} to ${stageName(event.toStage)}`;
  if (event.type === "updated") return "Details updated";
  return event.type.replace(/_/g, " ");
}

/** A lead: its details, its stage, and its history (every capture, update and move, oldest first). */
export async function leadDetailView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const { lead, events } = await api.tenant.lead(tenantId, param(ctx, "leadId"));
  const box = statusBox();
  const enc = encodeURIComponent(tenantId);
  const history = [...events].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  return page(
    lead.name ?? "Unnamed caller",
    supportBanner(tenantId),
    link(`/t/${enc}/leads`, "← All leads"),
    box,
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, "Stage"),
      h(
        "dd",
        {},
        can(tenantId, "staff")
          ? stageMover(tenantId, lead, box, ctx.rerender)
          : badge(STAGE_LABEL[lead.stage], lead.stage),
      ),
      h("dt", {}, "Phone"),
      h(
        "dd",
        {},
        lead.phone ? link(`/t/${enc}/callers/${encodeURIComponent(lead.phone)}`, lead.phone) : "—",
      ),
      h("dt", {}, "Email"),
      h("dd", {}, lead.email ?? "—"),
      h("dt", {}, "Reason"),
      h("dd", {}, lead.reason ?? "—"),
      h("dt", {}, "Source"),
      h("dd", {}, lead.source),
      h("dt", {}, "Call"),
      h(
        "dd",
        {},
        lead.callSid
          ? link(`/t/${enc}/calls/${encodeURIComponent(lead.callSid)}`, "Open the call")
          : "—",
      ),
      h("dt", {}, "Created"),
      h("dd", {}, formatDate(lead.createdAt)),
    ),
    h("h2", {}, "History"),
    table(
      "History of this lead",
      ["When", "What", "Note", "By"],
      history.map((e) => [formatDate(e.at), describeEvent(e), e.note ?? "—", e.actor ?? "—"]),
      "No history yet.",
    ),
  );
}
