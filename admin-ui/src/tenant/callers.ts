/**
 * Callers: search, and one caller's profile as a form generated from the tenant's industry
 * template. Each field is checked with the same validator the API compiles from the template
 * (`fieldSchema`), and the API's own field errors are shown beside the fields.
 */
import { fieldSchema } from "../../../workers/templates/compile";
import type { FieldDefinition, GroupDefinition } from "../../../workers/templates/template.schema";
import { naturalKeyFields } from "../../../workers/templates/template.schema";
import { ApiError, api } from "../api";
import type { FieldIssue } from "../api";
import type { Caller } from "../api-types";
import { formatDate, h } from "../dom";
import { navigate } from "../router";
import type { Field } from "../ui";
import { field, link, page, pager, reportError, select, showIssues, statusBox, table } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";

const PAGE = 25;

function callerName(c: Caller): string {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ");
  return name || "Unknown name";
}

export async function callersView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const search = ctx.query.get("search") ?? "";
  const offset = Math.max(0, Number(ctx.query.get("offset") ?? "0") || 0);
  // One extra row tells whether there is a next page (the callers list has no total).
  const answer = await api.tenant.callers(tenantId, {
    search: search || undefined,
    limit: PAGE + 1,
    offset,
  });
  const callers = answer.callers.slice(0, PAGE);
  const total = offset + answer.callers.length;
  const base = `/t/${encodeURIComponent(tenantId)}/callers`;
  const searchField = field(
    "Search callers",
    h("input", { type: "search", value: search, placeholder: "Name or phone number" }),
    {
      name: "search",
    },
  );
  const form = h(
    "form",
    { class: "filters", role: "search" },
    searchField.wrapper,
    h("button", { type: "submit" }, "Search"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = searchField.input.value.trim();
    navigate(value ? `${base}?search=${encodeURIComponent(value)}` : base);
  });
  return page(
    "Callers",
    supportBanner(tenantId),
    form,
    table(
      "Callers",
      ["Name", "Phone", "About", "Calls", "Last call"],
      callers.map((c) => [
        link(`${base}/${encodeURIComponent(c.phone)}`, callerName(c)),
        c.phone,
        c.bio ?? "—",
        String(c.callCount),
        formatDate(c.lastCallAt),
      ]),
      search
        ? "No caller matches that search."
        : "No callers yet: they appear after their first call.",
    ),
    pager(offset, PAGE, total, (o) => {
      const next = new URLSearchParams();
      if (search) next.set("search", search);
      next.set("offset", String(o));
      navigate(`${base}?${next.toString()}`);
    }),
  );
}

interface ControlOptions {
  path: string;
  disabled: boolean;
}

/** One input for a template field, with its value read back in the type the API expects. */
function control(def: FieldDefinition, value: unknown, opts: ControlOptions) {
  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  switch (def.type) {
    case "text":
      input = h("textarea", { rows: 3 });
      input.value = typeof value === "string" ? value : "";
      break;
    case "enum":
      input = select(
        [{ value: "", label: "—" }, ...(def.values ?? []).map((v) => ({ value: v, label: v }))],
        typeof value === "string" ? value : "",
      );
      break;
    case "boolean":
      input = select(
        [
          { value: "", label: "—" },
          { value: "true", label: "Yes" },
          { value: "false", label: "No" },
        ],
        typeof value === "boolean" ? String(value) : "",
      );
      break;
    default: {
      const type =
        def.type === "date"
          ? "date"
          : def.type === "email"
            ? "email"
            : def.type === "phone"
              ? "tel"
              : ["integer", "number", "money", "year"].includes(def.type)
                ? "number"
                : "text";
      input = h("input", {
        type,
        step:
          def.type === "money"
            ? "0.01"
            : def.type === "number"
              ? "any"
              : type === "number"
                ? 1
                : undefined,
        min: def.min,
        max: def.max,
      });
      input.value = typeof value === "string" || typeof value === "number" ? String(value) : "";
    }
  }
  input.disabled = opts.disabled;
  const f = field(`${def.label}${def.required ? " (required)" : ""}`, input, {
    name: opts.path,
    hint: def.description,
  });
  const read = (): { empty: boolean; value: unknown } => {
    const raw = input.value.trim();
    if (raw === "") return { empty: true, value: null };
    if (def.type === "boolean") return { empty: false, value: raw === "true" };
    if (["integer", "number", "money", "year"].includes(def.type)) {
      const n = Number(raw);
      return { empty: false, value: Number.isFinite(n) ? n : raw };
    }
    return { empty: false, value: raw };
  };
  const check = (): string | null => {
    const { empty, value: v } = read();
    if (empty) return null;
    const result = fieldSchema(def).safeParse(v);
    return result.success ? null : (result.error.issues[0]?.message ?? "is not valid");
  };
  input.addEventListener("blur", () => f.setError(check()));
  return { field: f, read, check, def };
}

type Control = ReturnType<typeof control>;

export async function callerDetailView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const phone = param(ctx, "phone");
  const [{ caller }, { template }] = await Promise.all([
    api.tenant.caller(tenantId, phone),
    api.tenant.template(tenantId),
  ]);
  // Staff may correct caller profiles too (docs/ADMIN_API.md).
  const editable = can(tenantId, "staff");
  const fields = new Map<string, Field>();
  const top: Control[] = [];
  const profile = caller.profile;

  for (const def of template.fields) {
    const c = control(def, profile[def.key], { path: def.key, disabled: !editable });
    top.push(c);
    fields.set(def.key, c.field);
  }

  interface ItemRow {
    controls: Control[];
    element: HTMLElement;
    removed: boolean;
    existing: boolean;
  }
  const groupRows = new Map<string, ItemRow[]>();
  const groupSections = template.groups.map((group: GroupDefinition) => {
    const rows: ItemRow[] = [];
    groupRows.set(group.key, rows);
    const list = h("div", { class: "group-items" });
    const addItem = (item: Record<string, unknown>, existing: boolean) => {
      const index = rows.length;
      const controls = group.fields.map((def) => {
        const path = `${group.key}.${index}.${def.key}`;
        const c = control(def, item[def.key], {
          path,
          // Natural keys identify an item; changing one would make it a different item.
          disabled: !editable || (existing && naturalKeyFields(group).includes(def.key)),
        });
        fields.set(path, c.field);
        return c;
      });
      const row: ItemRow = {
        controls,
        element: h("fieldset", { class: "group-item" }),
        removed: false,
        existing,
      };
      const remove = h(
        "button",
        { type: "button", class: "danger-link" },
        `Remove this ${group.itemLabel.toLowerCase()}`,
      );
      remove.addEventListener("click", () => {
        row.removed = !row.removed;
        row.element.classList.toggle("removed", row.removed);
        remove.textContent = row.removed
          ? "Keep it"
          : `Remove this ${group.itemLabel.toLowerCase()}`;
      });
      row.element.append(
        h("legend", {}, `${group.itemLabel} ${index + 1}`),
        ...controls.map((c) => c.field.wrapper),
        editable ? remove : "",
      );
      rows.push(row);
      list.append(row.element);
      return row;
    };
    const items = Array.isArray(profile[group.key])
      ? (profile[group.key] as Record<string, unknown>[])
      : [];
    for (const item of items) addItem(item, true);
    const add = h("button", { type: "button" }, `Add a ${group.itemLabel.toLowerCase()}`);
    add.addEventListener("click", () => {
      const row = addItem({}, false);
      row.controls[0]?.field.input.focus();
    });
    return h("section", { class: "card" }, h("h2", {}, group.label), list, editable ? add : null);
  });

  const box = statusBox();
  const save = h("button", { type: "submit", class: "primary" }, "Save profile");
  const form = h(
    "form",
    { class: "profile", novalidate: true },
    h(
      "section",
      { class: "card" },
      h("h2", {}, "Details"),
      top.map((c) => c.field.wrapper),
    ),
    groupSections,
    editable ? h("div", { class: "actions sticky-actions" }, box, save) : null,
  );

  function buildPatch(): { patch: Record<string, unknown>; issues: FieldIssue[] } {
    const issues: FieldIssue[] = [];
    const patch: Record<string, unknown> = {};
    for (const c of top) {
      const { empty, value } = c.read();
      const before = profile[c.def.key];
      if (empty) {
        if (before !== undefined && before !== null) patch[c.def.key] = null;
        continue;
      }
      const problem = c.check();
      if (problem) issues.push({ path: c.def.key, message: problem });
      else if (value !== before) patch[c.def.key] = value;
    }
    for (const group of template.groups) {
      const items: Record<string, unknown>[] = [];
      (groupRows.get(group.key) ?? []).forEach((row, index) => {
        const item: Record<string, unknown> = {};
        for (const c of row.controls) {
          const { empty, value } = c.read();
          if (empty) continue;
          const problem = c.check();
          if (problem)
            issues.push({ path: `${group.key}.${index}.${c.def.key}`, message: problem });
          item[c.def.key] = value;
        }
        if (row.removed) {
          if (!row.existing) return;
          const key: Record<string, unknown> = { _remove: true };
          for (const k of naturalKeyFields(group)) key[k] = item[k];
          items.push(key);
        } else if (Object.keys(item).length > 0) items.push(item);
      });
      if (items.length > 0) patch[group.key] = items;
    }
    return { patch, issues };
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    const { patch, issues } = buildPatch();
    if (issues.length > 0) {
      showIssues(fields, issues);
      box.show("error", "Please correct the highlighted fields.");
      return;
    }
    showIssues(fields, []);
    if (Object.keys(patch).length === 0) {
      box.show("ok", "Nothing to save: no field was changed.");
      return;
    }
    save.disabled = true;
    api.tenant
      .updateProfile(tenantId, caller.phone, patch)
      .then(() => {
        box.show("ok", "Profile saved.");
        window.setTimeout(() => ctx.rerender(), 600);
      })
      .catch((error: unknown) => {
        // The API may name fields inside the body ("profile.policies.0.premium").
        const mapped =
          error instanceof ApiError
            ? new ApiError(
                error.status,
                error.code,
                error.message,
                error.issues.map((i) => ({ ...i, path: i.path.replace(/^profile\./, "") })),
              )
            : error;
        reportError(mapped, box, fields);
      })
      .finally(() => (save.disabled = false));
  });

  return page(
    callerName(caller),
    supportBanner(tenantId),
    readOnlyNote(tenantId, "staff"),
    link(`/t/${encodeURIComponent(tenantId)}/callers`, "← All callers"),
    h(
      "dl",
      { class: "facts card" },
      h("dt", {}, "Phone"),
      h("dd", {}, caller.phone),
      h("dt", {}, "Summary"),
      h("dd", {}, caller.bio ?? "—"),
      h("dt", {}, "Calls"),
      h("dd", {}, String(caller.callCount)),
      h("dt", {}, "Last call"),
      h("dd", {}, formatDate(caller.lastCallAt)),
      h("dt", {}, "Industry template"),
      h("dd", {}, template.label),
    ),
    form,
  );
}
