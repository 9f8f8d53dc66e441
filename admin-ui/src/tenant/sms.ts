/** SMS recipients: the numbers that get a text after each call (part of the agent settings). */
import { AgentConfigPatch, MAX_SMS_RECIPIENTS } from "../../../workers/agents/agent-config.schema";
import { api } from "../api";
import { h } from "../dom";
import type { Field } from "../ui";
import { field, page, reportError, showIssues, statusBox } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";

export async function smsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  const { agentConfig } = await api.tenant.agent(tenantId);
  const editable = can(tenantId, "admin");
  const list = h("textarea", { rows: 5, disabled: !editable });
  list.value = agentConfig.smsRecipients.join("\n");
  const recipients = field("Numbers to text", list, {
    name: "smsRecipients",
    hint: `One phone number per line, at most ${MAX_SMS_RECIPIENTS}. Each gets a short text with the caller, the reason and the summary after every call.`,
  });
  const fields = new Map<string, Field>([["smsRecipients", recipients]]);
  const box = statusBox();
  const form = h(
    "form",
    { class: "card narrow", novalidate: true },
    box,
    recipients.wrapper,
    editable ? h("button", { type: "submit", class: "primary" }, "Save recipients") : null,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    const numbers = list.value
      .split(/[\n,;]+/)
      .map((n) => n.trim())
      .filter(Boolean);
    const check = AgentConfigPatch.safeParse({ smsRecipients: numbers });
    if (!check.success) {
      // Every bad number at once (each issue quotes the number), not only the first.
      showIssues(
        fields,
        check.error.issues.map((issue) => ({ path: "smsRecipients", message: issue.message })),
      );
      box.show("error", "Please correct the list.");
      return;
    }
    showIssues(fields, []);
    api.tenant
      .updateAgent(tenantId, { smsRecipients: numbers })
      .then((answer) => {
        list.value = answer.agentConfig.smsRecipients.join("\n");
        box.show("ok", `Saved ${answer.agentConfig.smsRecipients.length} recipient(s).`);
      })
      .catch((error: unknown) => reportError(error, box, fields));
  });
  return page("SMS recipients", supportBanner(tenantId), readOnlyNote(tenantId, "admin"), form);
}
