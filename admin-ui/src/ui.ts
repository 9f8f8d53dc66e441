/** Shared building blocks for screens: page frame, labelled fields, errors, tables, pager. */
import { ApiError } from "./api";
import type { FieldIssue } from "./api";
import type { Child } from "./dom";
import { announce, h, uid } from "./dom";

/** A screen: its heading (focused after navigation, so screen readers announce it) and body. */
export function page(title: string, ...body: Child[]): HTMLElement {
  document.title = `${title} · NeuroSphere admin`;
  return h(
    "section",
    { class: "page", "aria-labelledby": "page-title" },
    h("h1", { id: "page-title", tabindex: "-1" }, title),
    ...body,
  );
}

export interface Field {
  wrapper: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  setError(message: string | null): void;
}

/**
 * A label, a control, an optional hint and a slot for the field's error, wired together with
 * `aria-describedby` and `aria-invalid` so screen readers read the error with the field.
 */
export function field(
  label: string,
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  options: { hint?: string; name?: string } = {},
): Field {
  const id = input.id || uid("f");
  input.id = id;
  if (options.name) input.name = options.name;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const error = h("p", { class: "field-error", id: errorId, hidden: true });
  const describedBy = [options.hint ? hintId : null, errorId].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", describedBy);
  const wrapper = h(
    "div",
    { class: "field", "data-field": options.name ?? null },
    h("label", { for: id }, label),
    options.hint ? h("p", { class: "hint", id: hintId }, options.hint) : null,
    input,
    error,
  );
  return {
    wrapper,
    input,
    setError(message) {
      error.textContent = message ?? "";
      error.hidden = !message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    },
  };
}

export function textInput(attrs: Record<string, string | number | boolean | undefined> = {}) {
  return h("input", { type: "text", ...attrs });
}

export function select(options: { value: string; label: string }[], value?: string) {
  const el = h(
    "select",
    {},
    options.map((o) => h("option", { value: o.value }, o.label)),
  );
  if (value !== undefined) el.value = value;
  return el;
}

/** A region for a form's or a screen's error and success messages, announced when set. */
export type StatusBox = HTMLElement & {
  show(kind: "error" | "ok", text: string): void;
  clear(): void;
};

export function statusBox(): StatusBox {
  const box = h("div", { class: "status", role: "status", hidden: true });
  return Object.assign(box, {
    show(kind: "error" | "ok", text: string) {
      box.className = `status status-${kind}`;
      box.setAttribute("role", kind === "error" ? "alert" : "status");
      box.textContent = text;
      box.hidden = false;
    },
    clear() {
      box.hidden = true;
      box.textContent = "";
    },
  });
}

export function messageFor(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong";
}

/**
 * Puts each API issue next to its field (matched by `issues[].path` = the field's name, or its
 * first segment); returns the issues no field claimed, for the form-level message.
 */
export function showIssues(fields: Map<string, Field>, issues: FieldIssue[]): FieldIssue[] {
  for (const f of fields.values()) f.setError(null);
  const unclaimed: FieldIssue[] = [];
  // A field with several issues (a list with several bad entries) shows all of them.
  const messages = new Map<Field, string[]>();
  for (const issue of issues) {
    const target = fields.get(issue.path) ?? fields.get(issue.path.split(".")[0] ?? "");
    if (target) messages.set(target, [...(messages.get(target) ?? []), issue.message]);
    else unclaimed.push(issue);
  }
  for (const [target, list] of messages) target.setError(list.join("; "));
  [...messages.keys()][0]?.input.focus();
  return unclaimed;
}

/** Shows an error from the API in a form: field issues beside fields, the rest in the box. */
export function reportError(
  error: unknown,
  box: ReturnType<typeof statusBox>,
  fields: Map<string, Field> = new Map(),
): void {
  if (error instanceof ApiError && error.issues.length > 0) {
    const rest = showIssues(fields, error.issues);
    box.show(
      "error",
      rest.length > 0
        ? rest.map((i) => `${i.path}: ${i.message}`).join("; ")
        : "Please correct the highlighted fields.",
    );
    return;
  }
  box.show("error", messageFor(error));
}

/** A button that disables itself while its action runs, so a double click does not double-submit. */
export function actionButton(
  label: string,
  action: () => Promise<void>,
  attrs: Record<string, string> = {},
): HTMLButtonElement {
  const button = h("button", { type: "button", ...attrs }, label);
  button.addEventListener("click", () => {
    button.disabled = true;
    action()
      .catch((error: unknown) => announce(messageFor(error)))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

export function table(
  caption: string,
  headers: string[],
  rows: (Node | string)[][],
  empty = "Nothing here yet.",
): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, empty);
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          headers.map((x) => h("th", { scope: "col" }, x)),
        ),
      ),
      h(
        "tbody",
        {},
        rows.map((r) =>
          h(
            "tr",
            {},
            r.map((cell, i) => h("td", { "data-label": headers[i] ?? "" }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** "Showing 51–100 of 230" with previous/next buttons. */
export function pager(
  offset: number,
  limit: number,
  total: number,
  go: (offset: number) => void,
): HTMLElement {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  const prev = h("button", { type: "button", disabled: offset === 0 }, "Previous");
  const next = h("button", { type: "button", disabled: offset + limit >= total }, "Next");
  prev.addEventListener("click", () => go(Math.max(0, offset - limit)));
  next.addEventListener("click", () => go(offset + limit));
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages" },
    prev,
    h("span", {}, `Showing ${from}–${to} of ${total}`),
    next,
  );
}

export function badge(text: string, kind = text): HTMLElement {
  return h("span", { class: `badge badge-${kind}` }, text.replace(/_/g, " "));
}

export function link(
  path: string,
  text: string,
  attrs: Record<string, string> = {},
): HTMLAnchorElement {
  return h("a", { href: `#${path}`, ...attrs }, text);
}

/** What a screen shows when the API refuses: no data, one clear sentence. */
export function refusal(error: unknown): HTMLElement {
  if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
    return page(
      error.status === 403 ? "No access" : "Not found",
      h(
        "p",
        { class: "status status-error", role: "alert" },
        error.status === 403
          ? "You don't have access to this business's data. If you think you should, ask its owner to invite you."
          : "This page does not exist, or it was removed.",
      ),
      link("/", "Go to your start page"),
    );
  }
  return page(
    "Something went wrong",
    h("p", { class: "status status-error", role: "alert" }, messageFor(error)),
  );
}
