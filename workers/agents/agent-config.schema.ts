/**
 * A tenant's agent configuration: who the agent is, how it greets, sounds and behaves.
 *
 * Stored as JSON on the tenant row and parsed with `AgentConfig` on every read, so a field
 * added later needs a default here, and older rows keep parsing.
 */
import { z } from "zod";
import { PhoneNumber, normalizePhone } from "../lib/phone";
import { TransferCountry } from "../lib/phone-destinations";
import type { SliderKey, PersonalitySlider } from "./personality";
import { PERSONALITY_SLIDERS, defaultSliderValues } from "./personality";

/** The voices the OpenAI Realtime API offers. */
export const REALTIME_VOICES = [
  "alloy",
  "ash",
  "ballad",
  "coral",
  "echo",
  "sage",
  "shimmer",
  "verse",
  "marin",
  "cedar",
] as const;
export const RealtimeVoice = z.enum(REALTIME_VOICES, {
  error: `must be one of: ${REALTIME_VOICES.join(", ")}`,
});
export type RealtimeVoice = z.infer<typeof RealtimeVoice>;

export const GREETING_PLACEHOLDERS = ["business_name", "agent_name", "caller_first_name"] as const;
export type GreetingPlaceholder = (typeof GREETING_PLACEHOLDERS)[number];

const ALLOWED_PLACEHOLDERS = GREETING_PLACEHOLDERS.map((p) => `{${p}}`).join(", ");

export const MAX_SMS_RECIPIENTS = 10;

export const Greeting = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(500, { error: "must be at most 500 characters" })
  .superRefine((greeting, ctx) => {
    const allowed: ReadonlySet<string> = new Set(GREETING_PLACEHOLDERS);
    for (const [, name] of greeting.matchAll(/\{([^{}]*)\}/g)) {
      if (name !== undefined && !allowed.has(name))
        ctx.addIssue({
          code: "custom",
          message: `unknown placeholder {${name}}; use ${ALLOWED_PLACEHOLDERS}`,
        });
    }
    // A stray brace would be spoken aloud, or hide a mistyped placeholder.
    if (/[{}]/.test(greeting.replace(/\{[^{}]*\}/g, "")))
      ctx.addIssue({
        code: "custom",
        message: `has an unmatched brace; placeholders look like ${ALLOWED_PLACEHOLDERS}`,
      });
  });

/** BCP-47 language, optional script, optional region: "en", "en-US", "es-419", "zh-Hant-TW". */
export const LanguageTag = z
  .string()
  .trim()
  .regex(/^[a-z]{2,3}(-[a-z]{4})?(-([a-z]{2}|\d{3}))?$/i, {
    error: 'must be a language tag such as "en-US", "es" or "es-MX"',
  })
  .transform((tag) =>
    tag
      .split("-")
      .map((part, i) => {
        if (i === 0) return part.toLowerCase();
        if (part.length === 4) return part.charAt(0).toUpperCase() + part.slice(1).toLowerCase();
        return part.toUpperCase();
      })
      .join("-"),
  );
export type LanguageTag = z.infer<typeof LanguageTag>;

function sliderValue(slider: PersonalitySlider) {
  const message = `${slider.label} must be a whole number from 0 to 100`;
  return z
    .number({ error: message })
    .int({ error: message })
    .min(0, { error: message })
    .max(100, { error: message });
}

const unknownSlider = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys"
      ? `unknown slider: ${(issue.keys ?? []).join(", ")}`
      : undefined,
};

// Object.fromEntries loses the literal keys; the casts restore them, and the slider list is the
// single source of both the keys and the schema.
const personalityShape = Object.fromEntries(
  PERSONALITY_SLIDERS.map((s) => [s.key, sliderValue(s).default(s.default)]),
) as Record<SliderKey, z.ZodDefault<z.ZodNumber>>;
const personalityPatchShape = Object.fromEntries(
  PERSONALITY_SLIDERS.map((s) => [s.key, sliderValue(s).optional()]),
) as Record<SliderKey, z.ZodOptional<z.ZodNumber>>;

/** All 30 sliders; any the tenant never set take their defaults. */
export const Personality = z.strictObject(personalityShape, unknownSlider).prefault({});
export type Personality = z.infer<typeof Personality>;

export const PersonalityPatch = z.strictObject(personalityPatchShape, unknownSlider);
export type PersonalityPatch = z.infer<typeof PersonalityPatch>;

const BusinessName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(120, { error: "must be at most 120 characters" });
const AgentName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(60, { error: "must be at most 60 characters" });
const TransferNumber = PhoneNumber.nullable();
/**
 * Countries transfers may dial; null: the country of the tenant's own numbers. Whether the
 * transfer number fits is checked where the tenant's numbers are known (calls/transfer-policy.ts),
 * not here: this schema also parses stored rows, which must keep parsing.
 */
const TransferCountries = z
  .array(TransferCountry)
  .min(1, { error: "must list at least one country, or be null for the business's own" })
  .max(50, { error: "must list at most 50 countries" })
  .transform((codes) => [...new Set(codes)])
  .nullable();

/** One recipient; a bad one is named in its issue, so a list with several says which is which. */
const SmsRecipient = z
  .string({ error: "must be a phone number written as text" })
  .transform((value, ctx) => {
    const normalized = normalizePhone(value);
    if (normalized === null) {
      ctx.addIssue({
        code: "custom",
        // Quoted as typed (shortened only in this message, when very long).
        message: `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} is not a phone number, e.g. +19495550100`,
      });
      return z.NEVER;
    }
    return normalized;
  });
const SmsRecipients = z
  .array(SmsRecipient)
  .max(MAX_SMS_RECIPIENTS, { error: `must list at most ${MAX_SMS_RECIPIENTS} numbers` })
  // "(949) 555-0100" and "+19495550100" are one recipient, who should get one text.
  .transform((numbers) => [...new Set(numbers)]);

const unknownSetting = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys"
      ? `unknown setting: ${(issue.keys ?? []).join(", ")}`
      : undefined,
};

export const AgentConfig = z.strictObject(
  {
    businessName: BusinessName,
    agentName: AgentName,
    greeting: Greeting,
    voice: RealtimeVoice,
    language: LanguageTag,
    transferNumber: TransferNumber.default(null),
    transferCountries: TransferCountries.default(null),
    smsRecipients: SmsRecipients.default([]),
    personality: Personality,
  },
  unknownSetting,
);
export type AgentConfig = z.infer<typeof AgentConfig>;

/** A change to an agent configuration: every field optional, sliders one by one. */
export const AgentConfigPatch = z.strictObject(
  {
    businessName: BusinessName.optional(),
    agentName: AgentName.optional(),
    greeting: Greeting.optional(),
    voice: RealtimeVoice.optional(),
    language: LanguageTag.optional(),
    transferNumber: TransferNumber.optional(),
    transferCountries: TransferCountries.optional(),
    smsRecipients: SmsRecipients.optional(),
    personality: PersonalityPatch.optional(),
  },
  unknownSetting,
);
export type AgentConfigPatch = z.infer<typeof AgentConfigPatch>;

/** Applies a validated patch; fields the patch leaves out keep their current values. */
export function mergeAgentConfig(current: AgentConfig, patch: AgentConfigPatch): AgentConfig {
  const personality = { ...current.personality };
  for (const [key, value] of Object.entries(patch.personality ?? {})) {
    if (value !== undefined && key in personality) personality[key as SliderKey] = value;
  }
  return {
    businessName: patch.businessName ?? current.businessName,
    agentName: patch.agentName ?? current.agentName,
    greeting: patch.greeting ?? current.greeting,
    voice: patch.voice ?? current.voice,
    language: patch.language ?? current.language,
    // null is a value here (no transfer), so only an absent field keeps the current number.
    transferNumber:
      patch.transferNumber === undefined ? current.transferNumber : patch.transferNumber,
    transferCountries:
      patch.transferCountries === undefined ? current.transferCountries : patch.transferCountries,
    smsRecipients: patch.smsRecipients ?? current.smsRecipients,
    personality,
  };
}

export const DEFAULT_AGENT_NAME = "Alex";
export const DEFAULT_GREETING =
  "Hi {caller_first_name}, thanks for calling {business_name}! This is {agent_name}. How can I help you today?";
export const DEFAULT_VOICE: RealtimeVoice = "marin";
export const DEFAULT_LANGUAGE = "en-US";

/**
 * The configuration a new tenant starts with. The names are taken as given, not validated:
 * callers parse the result (usually after merging the signup's own settings) with `AgentConfig`.
 */
export function defaultAgentConfig(input: {
  businessName: string;
  agentName?: string;
}): AgentConfig {
  return {
    businessName: input.businessName.trim(),
    agentName: input.agentName?.trim() || DEFAULT_AGENT_NAME,
    greeting: DEFAULT_GREETING,
    voice: DEFAULT_VOICE,
    language: DEFAULT_LANGUAGE,
    transferNumber: null,
    transferCountries: null,
    smsRecipients: [],
    personality: defaultSliderValues(),
  };
}
