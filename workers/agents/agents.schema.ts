/** Requests and answers of the agent settings routes (`/api/tenants/{tenantId}/agent...`). */
import { z } from "zod";
import { AgentConfig, AgentConfigPatch, RealtimeVoice } from "./agent-config.schema";

export const AgentPreviewRequest = z
  .object({
    agentConfig: AgentConfigPatch.optional(),
    callerFirstName: z.string().trim().max(60).nullable().optional(),
  })
  .strict();
export type AgentPreviewRequest = z.infer<typeof AgentPreviewRequest>;

export const AgentSettings = z.object({ agentConfig: AgentConfig }).meta({ id: "AgentSettings" });

export const AgentPreview = z
  .object({
    greeting: z.string(),
    greetingUnknownCaller: z.string(),
    instructions: z.string(),
  })
  .meta({ id: "AgentPreview" });
export type AgentPreview = z.infer<typeof AgentPreview>;

export const SliderGroups = z
  .object({
    groups: z.array(
      z.object({
        name: z.string(),
        sliders: z.array(
          z.object({
            key: z.string(),
            label: z.string(),
            low: z.string(),
            high: z.string(),
            default: z.number(),
            value: z.number(),
          }),
        ),
      }),
    ),
    lowThreshold: z.number(),
    highThreshold: z.number(),
  })
  .meta({ id: "PersonalitySliders" });
export type SliderGroups = z.infer<typeof SliderGroups>;

export const AgentOptions = z
  .object({
    voices: z.array(RealtimeVoice),
    greetingPlaceholders: z.array(z.string()),
    maxSmsRecipients: z.number().int(),
  })
  .meta({ id: "AgentOptions" });
export type AgentOptions = z.infer<typeof AgentOptions>;
