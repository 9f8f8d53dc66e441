import { describe, expect, it } from "vitest";
import { defaultAgentConfig } from "../../workers/agents/agent-config.schema";
import type { AgentConfig } from "../../workers/agents/agent-config.schema";
import { buildInstructions, describePersonality } from "../../workers/agents/instructions";
import { PERSONALITY_SLIDERS, defaultSliderValues } from "../../workers/agents/personality";

function slider(key: string) {
  const found = PERSONALITY_SLIDERS.find((s) => s.key === key);
  if (!found) throw new Error(`no slider ${key}`);
  return found;
}

function configWith(personality: Partial<AgentConfig["personality"]>): AgentConfig {
  const config = defaultAgentConfig({
    businessName: "Peterson Family Insurance",
    agentName: "Ava",
  });
  // Every slider in the middle, so only the ones a test sets are described.
  const middle = Object.fromEntries(Object.keys(defaultSliderValues()).map((k) => [k, 50]));
  return { ...config, personality: { ...config.personality, ...middle, ...personality } };
}

const input = {
  templateGuidance: "Never bind coverage by phone.",
  templateLabel: "Insurance agency",
};

describe("buildInstructions", () => {
  it("says who the agent is and for which business", () => {
    const text = buildInstructions({ ...input, config: configWith({}) });
    expect(text).toContain("You are Ava, the AI phone receptionist for Peterson Family Insurance");
  });

  it("includes the industry guidance", () => {
    expect(buildInstructions({ ...input, config: configWith({}) })).toContain(
      "Never bind coverage by phone.",
    );
  });

  it("instructions mention a high-warmth trait and not a middle one", () => {
    const text = buildInstructions({ ...input, config: configWith({ warmth: 90, humor: 50 }) });
    expect(text).toContain(slider("warmth").high);
    expect(text).not.toContain(slider("humor").high);
    expect(text).not.toContain(slider("humor").low);
  });

  it("mentions a low trait with the slider's low description", () => {
    const text = buildInstructions({ ...input, config: configWith({ small_talk: 10 }) });
    expect(text).toContain(slider("small_talk").low);
  });

  it("asks the agent to read phone numbers back digit by digit", () => {
    expect(buildInstructions({ ...input, config: configWith({}) })).toContain("digit by digit");
  });

  it("offers a transfer only when the tenant has a transfer number", () => {
    const without = buildInstructions({ ...input, config: configWith({}) });
    const withNumber = buildInstructions({
      ...input,
      config: { ...configWith({}), transferNumber: "+19495550100" },
    });
    expect(without).not.toContain("transfer");
    expect(withNumber).toContain("offer to transfer the call");
  });

  it("includes the caller context block when given", () => {
    const text = buildInstructions({
      ...input,
      config: configWith({}),
      callerContext: "John Smith | Orange County | 2 Auto + 1 Home | Client since 2020",
    });
    expect(text).toContain("# What you know about this caller");
    expect(text).toContain("2 Auto + 1 Home");
  });

  it("leaves out the caller context block when there is none", () => {
    const text = buildInstructions({ ...input, config: configWith({}), callerContext: "  " });
    expect(text).not.toContain("What you know about this caller");
  });

  it("gives the same instructions for the same input", () => {
    const now = new Date("2026-07-02T15:00:00Z");
    const a = buildInstructions({ ...input, config: configWith({ warmth: 90 }), now });
    const b = buildInstructions({ ...input, config: configWith({ warmth: 90 }), now });
    expect(a).toBe(b);
    expect(a).toContain("Today is Thursday 2026-07-02 (UTC).");
  });
});

describe("describePersonality", () => {
  it("says nothing about sliders in the middle", () => {
    expect(describePersonality(configWith({}).personality)).toEqual([]);
  });

  it("describes the edges at 30 and 70 but not at 31 and 69", () => {
    expect(describePersonality({ ...configWith({}).personality, pace: 30, humor: 70 })).toEqual([
      slider("humor").high,
      slider("pace").low,
    ]);
    expect(describePersonality({ ...configWith({}).personality, pace: 31, humor: 69 })).toEqual([]);
  });
});
