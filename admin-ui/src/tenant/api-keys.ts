/** API keys: create (the key is shown once) and revoke. */
import { api } from "../api";
import { formatDate, h } from "../dom";
import type { Field } from "../ui";
import type { ApiKeyRow } from "../api-types";
import type { StatusBox } from "../ui";
import { actionButton, badge, field, page, reportError, statusBox, table } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";
import { linkReveal } from "./team";

function keyTable(
  tenantId: string,
  apiKeys: ApiKeyRow[],
  manage: boolean,
  box: StatusBox,
  refresh: () => Promise<void>,
): HTMLElement {
  const rows = apiKeys.map((k) => [
    k.name,
    h("code", {}, `${k.prefix}…`),
    formatDate(k.createdAt),
    formatDate(k.lastUsedAt),
    k.revokedAt
      ? badge("revoked")
      : manage
        ? actionButton(
            "Revoke",
            async () => {
              if (
                !window.confirm(
                  `Revoke the key "${k.name}"? Anything using it stops working at once.`,
                )
              )
                return;
              try {
                await api.tenant.revokeApiKey(tenantId, k.id);
                box.show("ok", `The key "${k.name}" was revoked.`);
                await refresh();
              } catch (error) {
                reportError(error, box);
              }
            },
            { class: "danger", "aria-label": `Revoke ${k.name}` },
          )
        : badge("active"),
  ]);
  return table("API keys", ["Name", "Key", "Created", "Last used", ""], rows, "No keys yet.");
}

export async function apiKeysView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const manage = can(tenantId, "admin");
  const box = statusBox();
  const listSlot = h("div");
  const refresh = async (): Promise<void> => {
    const { apiKeys } = await api.tenant.apiKeys(tenantId);
    listSlot.replaceChildren(keyTable(tenantId, apiKeys, manage, box, refresh));
  };
  await refresh();
  const name = field("Name", h("input", { type: "text", placeholder: "e.g. CRM sync" }), {
    name: "name",
    hint: "So you can tell your keys apart later.",
  });
  const fields = new Map<string, Field>([["name", name]]);
  const formBox = statusBox();
  const reveal = h("div");
  const form = h(
    "form",
    { class: "card", novalidate: true },
    h("h2", {}, "Create a key"),
    formBox,
    name.wrapper,
    h("button", { type: "submit", class: "primary" }, "Create key"),
    reveal,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    formBox.clear();
    api.tenant
      .createApiKey(tenantId, name.input.value)
      .then(async (answer) => {
        name.input.value = "";
        // Shown only here, only now: the server keeps just a hash.
        reveal.replaceChildren(
          linkReveal(
            "Your new key",
            answer.apiKey.key,
            "Copy it now: it will not be shown again. Store it like a password.",
          ),
        );
        reveal.querySelector("input")?.focus();
        await refresh();
      })
      .catch((error: unknown) => reportError(error, formBox, fields));
  });
  return page(
    "API keys",
    supportBanner(tenantId),
    readOnlyNote(tenantId, "admin"),
    h(
      "p",
      {},
      "Keys let your other systems (a CRM, a website) read this business's calls, callers and leads. Send one as “Authorization: Bearer <key>”.",
    ),
    box,
    listSlot,
    manage ? form : null,
  );
}
