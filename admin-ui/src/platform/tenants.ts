/** Operators: the tenant list (search, create) and one tenant (status, template, owner invite, usage). */
import { CreateTenant } from "../../../workers/tenants/tenants.schema";
import { api } from "../api";
import type { Tenant } from "../api-types";
import { barChart } from "../chart";
import { formatDate, h } from "../dom";
import { navigate } from "../router";
import type { Field } from "../ui";
import {
  actionButton,
  badge,
  field,
  link,
  page,
  pager,
  reportError,
  select,
  showIssues,
  statusBox,
  table,
} from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { linkReveal } from "../tenant/team";

const PAGE = 25;

export async function tenantsView(ctx: ViewContext): Promise<HTMLElement> {
  const search = ctx.query.get("search") ?? "";
  const status = ctx.query.get("status") ?? "";
  const offset = Math.max(0, Number(ctx.query.get("offset") ?? "0") || 0);
  const [{ tenants, total }, { templates }] = await Promise.all([
    api.platform.tenants({
      search: search || undefined,
      status: status || undefined,
      limit: PAGE,
      offset,
    }),
    api.platform.templates(),
  ]);

  const searchField = field(
    "Search",
    h("input", { type: "search", value: search, placeholder: "Name, slug, id or phone" }),
    { name: "search" },
  );
  const statusField = field(
    "Status",
    select(
      [
        { value: "", label: "Any" },
        { value: "active", label: "Active" },
        { value: "suspended", label: "Suspended" },
        { value: "offboarded", label: "Offboarded" },
      ],
      status,
    ),
    { name: "status" },
  );
  const filters = h(
    "form",
    { class: "filters", role: "search" },
    searchField.wrapper,
    statusField.wrapper,
    h("button", { type: "submit" }, "Search"),
  );
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    if (searchField.input.value.trim()) q.set("search", searchField.input.value.trim());
    if (statusField.input.value) q.set("status", statusField.input.value);
    navigate(`/platform/tenants${q.size > 0 ? `?${q.toString()}` : ""}`);
  });

  const rows = tenants.map((t: Tenant) => [
    link(`/platform/tenants/${encodeURIComponent(t.id)}`, t.businessName),
    t.slug,
    (t.phoneNumbers ?? []).join(", ") || "—",
    `${t.template.name} v${t.template.version}`,
    badge(t.status),
  ]);

  // Create form: validated with the API's CreateTenant schema before it is sent.
  const fields = new Map<string, Field>();
  const add = (f: Field) => {
    fields.set(f.wrapper.dataset.field ?? "", f);
    return f.wrapper;
  };
  const businessName = field("Business name", h("input", { type: "text" }), {
    name: "businessName",
  });
  const slug = field("Slug", h("input", { type: "text", pattern: "[a-z0-9-]+" }), {
    name: "slug",
    hint: "3–40 lowercase letters, digits or dashes; used in logs and URLs.",
  });
  const phone = field("Phone number", h("input", { type: "tel" }), {
    name: "phoneNumber",
    hint: "The Twilio number callers dial.",
  });
  const template = field(
    "Industry template",
    select(templates.map((t) => ({ value: t.id, label: `${t.label} (v${t.version})` }))),
    { name: "template" },
  );
  businessName.input.addEventListener("input", () => {
    if (slug.input.dataset.touched) return;
    slug.input.value = businessName.input.value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40);
  });
  slug.input.addEventListener("input", () => (slug.input.dataset.touched = "1"));
  const box = statusBox();
  const createForm = h(
    "form",
    { class: "card", novalidate: true, id: "create-tenant" },
    h("h2", {}, "Create a tenant"),
    box,
    add(businessName),
    add(slug),
    add(phone),
    add(template),
    h("button", { type: "submit", class: "primary" }, "Create tenant"),
  );
  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    const body = {
      businessName: businessName.input.value,
      slug: slug.input.value,
      phoneNumber: phone.input.value,
      template: template.input.value,
    };
    const check = CreateTenant.safeParse(body);
    if (!check.success) {
      showIssues(
        fields,
        check.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
      );
      box.show("error", "Please correct the highlighted fields.");
      return;
    }
    showIssues(fields, []);
    api.platform
      .createTenant(body)
      .then(({ tenant }) =>
        navigate(`/platform/tenants/${encodeURIComponent(tenant.id)}?created=1`),
      )
      .catch((error: unknown) => reportError(error, box, fields));
  });

  return page(
    "Tenants",
    filters,
    table(
      "Tenants",
      ["Business", "Slug", "Numbers", "Template", "Status"],
      rows,
      "No tenant matches.",
    ),
    pager(offset, PAGE, total, (o) => {
      const q = new URLSearchParams(ctx.query);
      q.set("offset", String(o));
      navigate(`/platform/tenants?${q.toString()}`);
    }),
    createForm,
  );
}

export async function tenantDetailView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const [{ tenant }, { templates }, usage] = await Promise.all([
    api.platform.tenant(tenantId),
    api.platform.templates(),
    api.platform.tenantUsage(tenantId),
  ]);
  const box = statusBox();
  if (ctx.query.get("created"))
    box.show("ok", `${tenant.businessName} was created. Invite its owner below.`);
  const enc = encodeURIComponent(tenant.id);

  const lifecycle = h("div", { class: "actions" });
  if (tenant.status === "active")
    lifecycle.append(
      actionButton("Suspend", async () => {
        if (
          !window.confirm(
            `Suspend ${tenant.businessName}? Its calls get an "unavailable" answer until you resume it.`,
          )
        )
          return;
        try {
          await api.platform.suspend(tenant.id);
          ctx.rerender();
        } catch (error) {
          reportError(error, box);
        }
      }),
    );
  if (tenant.status === "suspended")
    lifecycle.append(
      actionButton("Resume", async () => {
        try {
          await api.platform.resume(tenant.id);
          ctx.rerender();
        } catch (error) {
          reportError(error, box);
        }
      }),
    );

  const offboardForm = (() => {
    if (tenant.status === "offboarded") return null;
    const confirmField = field(
      `Type the slug “${tenant.slug}” to confirm`,
      h("input", { type: "text", autocomplete: "off" }),
      {
        name: "confirmSlug",
        hint: "Offboarding releases its numbers and retires its database. It cannot be undone.",
      },
    );
    const form = h(
      "form",
      { class: "card danger-zone", novalidate: true },
      h("h2", {}, "Offboard"),
      confirmField.wrapper,
      h("button", { type: "submit", class: "danger" }, "Offboard this tenant"),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      api.platform
        .offboard(tenant.id, confirmField.input.value.trim())
        .then(() => ctx.rerender())
        .catch((error: unknown) =>
          reportError(error, box, new Map([["confirmSlug", confirmField]])),
        );
    });
    return form;
  })();

  const currentTemplate = `${tenant.template.name}_v${tenant.template.version}`;
  const templateField = field(
    "Industry template",
    select(
      templates.map((t) => ({ value: t.id, label: `${t.label} (v${t.version})` })),
      currentTemplate,
    ),
    { name: "template", hint: "Caller profiles are kept; new fields appear on the next edit." },
  );
  const templateForm = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", {}, "Template"),
    templateField.wrapper,
    h("button", { type: "submit" }, "Assign template"),
  );
  templateForm.addEventListener("submit", (event) => {
    event.preventDefault();
    api.platform
      .setTemplate(tenant.id, templateField.input.value)
      .then(({ tenant: updated }) => {
        templateField.input.value = `${updated.template.name}_v${updated.template.version}`;
        box.show("ok", "Template assigned.");
      })
      .catch((error: unknown) => reportError(error, box, new Map([["template", templateField]])));
  });

  const inviteEmail = field("Email", h("input", { type: "email", autocomplete: "off" }), {
    name: "email",
  });
  const inviteRole = field(
    "Role",
    select(
      [
        { value: "owner", label: "Owner" },
        { value: "admin", label: "Admin" },
        { value: "staff", label: "Staff" },
      ],
      "owner",
    ),
    { name: "role" },
  );
  const inviteBox = statusBox();
  const reveal = h("div");
  const inviteForm = h(
    "form",
    { class: "card", novalidate: true, id: "invite-owner" },
    h("h2", {}, "Invite the business's people"),
    inviteBox,
    inviteEmail.wrapper,
    inviteRole.wrapper,
    h("button", { type: "submit", class: "primary" }, "Create invitation"),
    reveal,
  );
  inviteForm.addEventListener("submit", (event) => {
    event.preventDefault();
    inviteBox.clear();
    api.platform
      .invite(tenant.id, {
        email: inviteEmail.input.value,
        role: inviteRole.input.value as "owner" | "admin" | "staff",
      })
      .then((answer) => {
        reveal.replaceChildren(
          linkReveal(
            "Invitation link",
            answer.link,
            `Send this link to ${answer.invitation.email}. It works once and expires on ${formatDate(answer.invitation.expiresAt)}.`,
          ),
        );
        inviteBox.show("ok", `Invitation created for ${answer.invitation.email}.`);
      })
      .catch((error: unknown) =>
        reportError(
          error,
          inviteBox,
          new Map([
            ["email", inviteEmail],
            ["role", inviteRole],
          ]),
        ),
      );
  });

  const totals = usage.totals;
  const usageCard = h(
    "section",
    { class: "card" },
    h("h2", {}, `Usage ${usage.from} to ${usage.to}`),
    h(
      "dl",
      { class: "facts stats" },
      h("dt", {}, "Calls"),
      h("dd", {}, String(totals.calls)),
      h("dt", {}, "Minutes"),
      h("dd", {}, String(totals.minutes)),
      h("dt", {}, "Model tokens in / out"),
      h("dd", {}, `${totals.modelInputTokens} / ${totals.modelOutputTokens}`),
      h("dt", {}, "Texts sent"),
      h("dd", {}, String(totals.smsSent)),
    ),
    barChart(
      "Minutes per day",
      usage.days.map((d) => ({ label: d.day, value: d.minutes })),
      "minutes",
      (day) => day.slice(5),
    ),
    barChart(
      "Calls per day",
      usage.days.map((d) => ({ label: d.day, value: d.calls })),
      "calls",
      (day) => day.slice(5),
    ),
  );

  return page(
    tenant.businessName,
    link("/platform/tenants", "← All tenants"),
    box,
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, "Status"),
      h("dd", {}, badge(tenant.status)),
      h("dt", {}, "Slug"),
      h("dd", {}, tenant.slug),
      h("dt", {}, "Id"),
      h("dd", {}, h("code", {}, tenant.id)),
      h("dt", {}, "Numbers"),
      h("dd", {}, (tenant.phoneNumbers ?? []).join(", ") || "—"),
      h("dt", {}, "Created"),
      h("dd", {}, formatDate(tenant.createdAt)),
    ),
    h("p", {}, link(`/t/${enc}/settings`, "Open the support view (read-only, audit-logged) →")),
    h("p", {}, link(`/platform/users?tenant=${enc}`, "People of this tenant and reset links →")),
    lifecycle,
    inviteForm,
    templateForm,
    usageCard,
    offboardForm,
  );
}
