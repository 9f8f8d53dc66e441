/**
 * Bring-your-own provider keys. Write-only: the API never returns a value, and the form never
 * shows one back — only whether a key is set and when it was last changed.
 */
import { api } from "../api";
import { formatDate, h } from "../dom";
import { actionButton, field, page, reportError, statusBox } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";

const LABELS: Record<string, { label: string; hint: string }> = {
  openai_api_key: {
    label: "OpenAI API key",
    hint: "Calls use your OpenAI account instead of the platform's.",
  },
  twilio_account_sid: {
    label: "Twilio account SID",
    hint: "Starts with AC. Texts and transfers go through your Twilio account.",
  },
  twilio_auth_token: { label: "Twilio auth token", hint: "Needed together with the account SID." },
};

export async function keysView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const { secrets, names } = await api.tenant.secrets(tenantId);
  const owner = can(tenantId, "owner");
  const cards = names.map((name) => {
    const meta = LABELS[name] ?? { label: name, hint: "" };
    const current = secrets.find((s) => s.name === name);
    const box = statusBox();
    const input = h("input", {
      type: "password",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: current
        ? "Set — type a new value to replace it"
        : "Not set — the platform's key is used",
      disabled: !owner,
    });
    const f = field(`New ${meta.label}`, input, { name: "value", hint: meta.hint });
    const state = h(
      "p",
      { class: "hint" },
      current
        ? `Set, last changed ${formatDate(current.updatedAt)}.`
        : "Not set: the platform's own key is used.",
    );
    const form = h(
      "form",
      { class: "card", novalidate: true, "data-secret": name },
      h("h2", {}, meta.label),
      state,
      box,
      f.wrapper,
      owner
        ? h(
            "div",
            { class: "actions" },
            h("button", { type: "submit", class: "primary" }, current ? "Replace" : "Save"),
            current
              ? actionButton(
                  "Remove (use the platform's key)",
                  async () => {
                    if (
                      !window.confirm(
                        `Remove your ${meta.label}? Calls go back to the platform's key.`,
                      )
                    )
                      return;
                    try {
                      await api.tenant.deleteSecret(tenantId, name);
                      ctx.rerender();
                    } catch (error) {
                      reportError(error, box);
                    }
                  },
                  { class: "danger" },
                )
              : null,
          )
        : null,
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      box.clear();
      const value = input.value;
      api.tenant
        .setSecret(tenantId, name, value)
        .then((answer) => {
          // Clear the field: the value is never shown again, not even to its author.
          input.value = "";
          input.placeholder = "Set — type a new value to replace it";
          state.textContent = `Set, last changed ${formatDate(answer.secret.updatedAt)}.`;
          box.show("ok", `${meta.label} saved.`);
        })
        .catch((error: unknown) => reportError(error, box, new Map([["value", f]])));
    });
    return form;
  });
  return page(
    "Own provider keys",
    supportBanner(tenantId),
    readOnlyNote(tenantId, "owner"),
    h(
      "p",
      {},
      "Optional. By default calls and texts use the platform's accounts. Keys you enter are stored encrypted and are never shown again, to anyone.",
    ),
    cards,
  );
}
