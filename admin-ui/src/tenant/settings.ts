/**
 * Agent settings: names, greeting (with a live preview), voice, language, transfer number and
 * the 30 personality sliders, with a preview of the instructions the next call will get.
 *
 * The form validates with the API's own `AgentConfigPatch` schema before sending, and shows the
 * API's field errors beside the fields if it still refuses.
 */
import {
  AgentConfigPatch,
  GREETING_PLACEHOLDERS,
  REALTIME_VOICES,
} from "../../../workers/agents/agent-config.schema";
import type { AgentConfig } from "../../../workers/agents/agent-config.schema";
import { renderGreeting } from "../../../workers/agents/greeting";
import {
  PERSONALITY_GROUPS,
  PERSONALITY_SLIDERS,
  SLIDER_HIGH_THRESHOLD,
  SLIDER_LOW_THRESHOLD,
} from "../../../workers/agents/personality";
import type { SliderKey } from "../../../workers/agents/personality";
import { api } from "../api";
import type { FieldIssue } from "../api";
import { h, uid } from "../dom";
import type { Field } from "../ui";
import { field, messageFor, page, reportError, select, showIssues, statusBox } from "../ui";
import type { ViewContext } from "../view";
import { param } from "../view";
import { can, readOnlyNote, supportBanner } from "./access";

const PREVIEW_DELAY_MS = 350;

function sliderEffect(key: SliderKey, value: number): string {
  const slider = PERSONALITY_SLIDERS.find((s) => s.key === key);
  if (!slider) return "";
  if (value <= SLIDER_LOW_THRESHOLD) return `Agent is told: “${slider.low}”`;
  if (value >= SLIDER_HIGH_THRESHOLD) return `Agent is told: “${slider.high}”`;
  return "Middle of the range: no special instruction.";
}

/** The fields that differ between the saved configuration and the form. */
function diff(saved: AgentConfig, draft: AgentConfig): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const key of [
    "businessName",
    "agentName",
    "greeting",
    "voice",
    "language",
    "transferNumber",
  ] as const) {
    if (draft[key] !== saved[key]) patch[key] = draft[key];
  }
  const personality: Record<string, number> = {};
  for (const slider of PERSONALITY_SLIDERS) {
    if (draft.personality[slider.key] !== saved.personality[slider.key])
      personality[slider.key] = draft.personality[slider.key];
  }
  if (Object.keys(personality).length > 0) patch.personality = personality;
  return patch;
}

export async function settingsView(ctx: ViewContext): Promise<HTMLElement> {
  const tenantId = param(ctx, "tenantId");
  let saved = (await api.tenant.agent(tenantId)).agentConfig;
  const editable = can(tenantId, "admin");
  const fields = new Map<string, Field>();

  const businessName = field(
    "Business name",
    h("input", { type: "text", value: saved.businessName }),
    {
      name: "businessName",
      hint: "How the agent names the business on the phone.",
    },
  );
  const agentName = field("Agent name", h("input", { type: "text", value: saved.agentName }), {
    name: "agentName",
    hint: "The name the agent introduces itself with.",
  });
  const greetingInput = h("textarea", { rows: 3 });
  greetingInput.value = saved.greeting;
  const greeting = field("Greeting", greetingInput, {
    name: "greeting",
    hint: `The first thing callers hear. You can use ${GREETING_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}.`,
  });
  const voice = field(
    "Voice",
    select(
      REALTIME_VOICES.map((v) => ({ value: v, label: v.charAt(0).toUpperCase() + v.slice(1) })),
      saved.voice,
    ),
    { name: "voice" },
  );
  const language = field("Language", h("input", { type: "text", value: saved.language }), {
    name: "language",
    hint: 'A language tag such as "en-US", "es" or "es-MX". The agent still answers callers in their own language.',
  });
  const transfer = field(
    "Transfer number",
    h("input", { type: "tel", value: saved.transferNumber ?? "", autocomplete: "off" }),
    {
      name: "transferNumber",
      hint: "Where the agent transfers a caller who asks for a person. Leave empty for no transfers.",
    },
  );
  for (const f of [businessName, agentName, greeting, voice, language, transfer])
    fields.set(f.wrapper.dataset.field ?? "", f);

  const greetingKnown = h("p", { class: "preview-line", id: "greeting-preview-known" });
  const greetingUnknown = h("p", { class: "preview-line", id: "greeting-preview-unknown" });
  const greetingPreview = h(
    "div",
    { class: "preview", "aria-live": "polite" },
    h("h3", {}, "Greeting preview"),
    h("p", { class: "hint" }, "A caller we know, named Sarah:"),
    greetingKnown,
    h("p", { class: "hint" }, "A caller we don't know yet:"),
    greetingUnknown,
  );

  const sliderInputs = new Map<SliderKey, HTMLInputElement>();
  const groups = PERSONALITY_GROUPS.map((group) => {
    const sliders = PERSONALITY_SLIDERS.filter((s) => s.group === group).map((slider) => {
      const id = uid("slider");
      const input = h("input", {
        type: "range",
        min: 0,
        max: 100,
        step: 1,
        id,
        name: `personality.${slider.key}`,
        "data-slider": slider.key,
        "aria-describedby": `${id}-low ${id}-high ${id}-effect`,
      });
      input.value = String(saved.personality[slider.key]);
      const output = h("output", { for: id, class: "slider-value" }, input.value);
      const effect = h(
        "p",
        { class: "slider-effect", id: `${id}-effect` },
        sliderEffect(slider.key, Number(input.value)),
      );
      input.addEventListener("input", () => {
        output.textContent = input.value;
        input.setAttribute("aria-valuetext", `${input.value} of 100`);
        effect.textContent = sliderEffect(slider.key, Number(input.value));
      });
      sliderInputs.set(slider.key, input);
      const wrapper = h(
        "div",
        { class: "slider" },
        h("div", { class: "slider-head" }, h("label", { for: id }, slider.label), output),
        input,
        h(
          "div",
          { class: "slider-ends" },
          h("span", { id: `${id}-low` }, h("strong", {}, "0: "), slider.low),
          h("span", { id: `${id}-high` }, h("strong", {}, "100: "), slider.high),
        ),
        effect,
        h("p", { class: "field-error", hidden: true }),
      );
      fields.set(`personality.${slider.key}`, {
        wrapper,
        input,
        setError(message) {
          const el = wrapper.querySelector<HTMLElement>(".field-error");
          if (!el) return;
          el.textContent = message ?? "";
          el.hidden = !message;
        },
      });
      return wrapper;
    });
    return h("fieldset", { class: "slider-group" }, h("legend", {}, group), sliders);
  });

  const instructions = h(
    "pre",
    { class: "instructions", id: "instructions-preview", tabindex: "0" },
    "Loading…",
  );
  const instructionsState = h("p", { class: "hint", "aria-live": "polite" });

  function draft(): AgentConfig {
    const personality = { ...saved.personality };
    for (const [key, input] of sliderInputs) personality[key] = Number(input.value);
    const transferValue = transfer.input.value.trim();
    return {
      ...saved,
      businessName: businessName.input.value,
      agentName: agentName.input.value,
      greeting: greetingInput.value,
      voice: voice.input.value as AgentConfig["voice"],
      language: language.input.value,
      transferNumber: transferValue === "" ? null : transferValue,
      personality,
    };
  }

  /** Validates the changed fields with the API's schema; shows problems beside the fields. */
  function validate(): { patch: Record<string, unknown>; issues: FieldIssue[] } {
    const patch = diff(saved, draft());
    const result = AgentConfigPatch.safeParse(patch);
    if (result.success) return { patch, issues: [] };
    return {
      patch,
      issues: result.error.issues.map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      })),
    };
  }

  function updateGreetingPreview(): void {
    const d = draft();
    const values = {
      greeting: d.greeting,
      businessName: d.businessName || "your business",
      agentName: d.agentName || "your agent",
    };
    const check = AgentConfigPatch.safeParse({ greeting: d.greeting });
    if (!check.success) {
      greeting.setError(check.error.issues[0]?.message ?? "is not valid");
      return;
    }
    greeting.setError(null);
    greetingKnown.textContent = renderGreeting(values, { callerFirstName: "Sarah" });
    greetingUnknown.textContent = renderGreeting(values, {});
  }

  let previewTimer: number | undefined;
  let previewSeq = 0;
  function schedulePreview(): void {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(() => void refreshInstructions(), PREVIEW_DELAY_MS);
  }
  async function refreshInstructions(): Promise<void> {
    const { patch, issues } = validate();
    if (issues.length > 0) {
      instructionsState.textContent = "Fix the highlighted settings to update the preview.";
      return;
    }
    const seq = ++previewSeq;
    instructionsState.textContent = "Updating…";
    try {
      const answer = await api.tenant.preview(tenantId, { agentConfig: patch });
      if (seq !== previewSeq) return;
      instructions.textContent = answer.instructions;
      instructionsState.textContent = "Up to date with the form (not saved yet unless you save).";
    } catch (error) {
      if (seq === previewSeq)
        instructionsState.textContent = `Preview unavailable: ${messageFor(error)}`;
    }
  }

  const box = statusBox();
  const save = h("button", { type: "submit", class: "primary" }, "Save settings");
  const reset = h("button", { type: "button" }, "Undo changes");
  const form = h(
    "form",
    { class: "settings", novalidate: true, "aria-describedby": "settings-help" },
    h(
      "div",
      { class: "card" },
      h("h2", {}, "Identity and greeting"),
      businessName.wrapper,
      agentName.wrapper,
      greeting.wrapper,
      greetingPreview,
      voice.wrapper,
      language.wrapper,
      transfer.wrapper,
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, "Personality"),
      h(
        "p",
        { id: "settings-help", class: "hint" },
        `Each slider runs from 0 to 100. At ${SLIDER_LOW_THRESHOLD} or below the agent follows the left-hand description, at ${SLIDER_HIGH_THRESHOLD} or above the right-hand one; in between it behaves naturally.`,
      ),
      groups,
    ),
    h(
      "div",
      { class: "card" },
      h("h2", {}, "Instructions preview"),
      h(
        "p",
        { class: "hint" },
        "What the agent is told at the start of a call, for a caller we don't know yet.",
      ),
      instructionsState,
      instructions,
    ),
    editable ? h("div", { class: "actions sticky-actions" }, box, save, reset) : null,
  );

  form.addEventListener("input", () => {
    updateGreetingPreview();
    schedulePreview();
  });
  form.addEventListener("change", schedulePreview);
  reset.addEventListener("click", () => ctx.rerender());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    box.clear();
    const { patch, issues } = validate();
    if (issues.length > 0) {
      const rest = showIssues(fields, issues);
      box.show(
        "error",
        rest.length > 0
          ? rest.map((i) => `${i.path}: ${i.message}`).join("; ")
          : "Please correct the highlighted fields.",
      );
      return;
    }
    showIssues(fields, []);
    if (Object.keys(patch).length === 0) {
      box.show("ok", "Nothing to save: no setting was changed.");
      return;
    }
    save.disabled = true;
    api.tenant
      .updateAgent(tenantId, patch)
      .then((answer) => {
        saved = answer.agentConfig;
        // Show what was stored: the API normalises numbers and language tags.
        transfer.input.value = saved.transferNumber ?? "";
        language.input.value = saved.language;
        box.show("ok", "Saved. The next call uses these settings.");
      })
      .catch((error: unknown) => reportError(error, box, fields))
      .finally(() => (save.disabled = false));
  });

  if (!editable) {
    for (const el of form.querySelectorAll<
      HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement
    >("input, select, textarea"))
      el.disabled = true;
  }
  updateGreetingPreview();
  void refreshInstructions();
  return page("Agent settings", supportBanner(tenantId), readOnlyNote(tenantId, "admin"), form);
}
