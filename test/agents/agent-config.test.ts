import { describe, expect, it } from "vitest";
import {
  AgentConfig,
  AgentConfigPatch,
  defaultAgentConfig,
  mergeAgentConfig,
} from "../../workers/agents/agent-config.schema";

const base = defaultAgentConfig({ businessName: "Peterson Family Insurance", agentName: "Ava" });

function issuesOf(value: unknown): { path: string; message: string }[] {
  const result = AgentConfig.safeParse(value);
  return result.success
    ? []
    : result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

describe("AgentConfig", () => {
  it("accepts the default configuration", () => {
    expect(AgentConfig.parse(base)).toEqual(base);
  });

  it("names the agent Alex when the tenant has not chosen a name", () => {
    expect(defaultAgentConfig({ businessName: "Acme" }).agentName).toBe("Alex");
  });

  it("rejects a greeting with an unknown placeholder and names it", () => {
    const issues = issuesOf({ ...base, greeting: "Hello from {foo} at {business_name}" });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe("greeting");
    expect(issues[0]?.message).toContain("{foo}");
  });

  it("rejects a greeting with a stray brace", () => {
    expect(issuesOf({ ...base, greeting: "Hi {business_name" })).toMatchObject([
      { path: "greeting" },
    ]);
  });

  it("rejects a greeting longer than 500 characters", () => {
    expect(issuesOf({ ...base, greeting: "a".repeat(501) })).toMatchObject([{ path: "greeting" }]);
  });

  it("fills sliders the tenant never set with their defaults", () => {
    const config = AgentConfig.parse({ ...base, personality: { warmth: 95 } });
    expect(config.personality.warmth).toBe(95);
    expect(config.personality.patience).toBe(70);
    expect(Object.keys(config.personality)).toHaveLength(30);
  });

  it("fills every slider when the personality is missing altogether", () => {
    const { personality: _omitted, ...rest } = base;
    expect(AgentConfig.parse(rest).personality).toEqual(base.personality);
  });

  it("rejects a slider above 100 naming the slider", () => {
    expect(issuesOf({ ...base, personality: { humor: 101 } })).toEqual([
      { path: "personality.humor", message: "Humor must be a whole number from 0 to 100" },
    ]);
  });

  it("rejects a slider the platform does not have", () => {
    expect(issuesOf({ ...base, personality: { sarcasm: 50 } })).toEqual([
      { path: "personality", message: "unknown slider: sarcasm" },
    ]);
  });

  it("rejects a voice the Realtime API does not offer", () => {
    expect(issuesOf({ ...base, voice: "nova" })).toMatchObject([{ path: "voice" }]);
  });

  it("accepts every Realtime voice", () => {
    for (const voice of [
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
    ])
      expect(issuesOf({ ...base, voice })).toEqual([]);
  });

  it("accepts language tags and writes them in canonical case", () => {
    expect(AgentConfig.parse({ ...base, language: "es" }).language).toBe("es");
    expect(AgentConfig.parse({ ...base, language: "es-mx" }).language).toBe("es-MX");
    expect(AgentConfig.parse({ ...base, language: "zh-hant-tw" }).language).toBe("zh-Hant-TW");
  });

  it("rejects something that is not a language tag", () => {
    expect(issuesOf({ ...base, language: "English" })).toMatchObject([{ path: "language" }]);
  });

  it("stores the transfer number in E.164", () => {
    const config = AgentConfig.parse({ ...base, transferNumber: "(949) 555-0100" });
    expect(config.transferNumber).toBe("+19495550100");
  });

  it("rejects a transfer number that is not a phone number", () => {
    expect(issuesOf({ ...base, transferNumber: "call me" })).toMatchObject([
      { path: "transferNumber" },
    ]);
  });

  it("texts each SMS recipient once however the number was typed", () => {
    const config = AgentConfig.parse({
      ...base,
      smsRecipients: ["(949) 555-0100", "+19495550100", "949.555.0101"],
    });
    expect(config.smsRecipients).toEqual(["+19495550100", "+19495550101"]);
  });

  it("rejects more than 10 SMS recipients", () => {
    const numbers = Array.from({ length: 11 }, (_, i) => `+1949555${String(i).padStart(4, "0")}`);
    expect(issuesOf({ ...base, smsRecipients: numbers })).toMatchObject([
      { path: "smsRecipients" },
    ]);
  });

  it("rejects an unknown setting", () => {
    expect(issuesOf({ ...base, theme: "dark" })).toEqual([
      { path: "", message: "unknown setting: theme" },
    ]);
  });
});

describe("mergeAgentConfig", () => {
  it("changes one slider and keeps the others", () => {
    const patch = AgentConfigPatch.parse({ personality: { humor: 80 } });
    const merged = mergeAgentConfig(base, patch);
    expect(merged.personality.humor).toBe(80);
    expect(merged.personality.warmth).toBe(base.personality.warmth);
    expect(merged.greeting).toBe(base.greeting);
  });

  it("does not fill slider defaults into a patch", () => {
    expect(AgentConfigPatch.parse({ personality: { humor: 80 } }).personality).toEqual({
      humor: 80,
    });
  });

  it("clears the transfer number when the patch sets it to null", () => {
    const current = AgentConfig.parse({ ...base, transferNumber: "+19495550100" });
    expect(mergeAgentConfig(current, { transferNumber: null }).transferNumber).toBeNull();
  });

  it("keeps the transfer number when the patch leaves it out", () => {
    const current = AgentConfig.parse({ ...base, transferNumber: "+19495550100" });
    expect(mergeAgentConfig(current, { voice: "cedar" }).transferNumber).toBe("+19495550100");
  });

  it("rejects a patch with an unknown placeholder in the greeting", () => {
    expect(AgentConfigPatch.safeParse({ greeting: "Hi {name}" }).success).toBe(false);
  });
});
