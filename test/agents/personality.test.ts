import { describe, expect, it } from "vitest";
import {
  PERSONALITY_GROUPS,
  PERSONALITY_SLIDERS,
  defaultSliderValues,
} from "../../workers/agents/personality";

describe("personality sliders", () => {
  it("offers exactly 30 sliders with unique snake_case keys", () => {
    const keys = PERSONALITY_SLIDERS.map((s) => s.key);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    for (const key of keys) expect(key).toMatch(/^[a-z][a-z_]*$/);
  });

  it("puts every slider in one of five groups, each group used", () => {
    expect(PERSONALITY_GROUPS).toHaveLength(5);
    const used = new Set(PERSONALITY_SLIDERS.map((s) => s.group));
    expect([...used].sort()).toEqual([...PERSONALITY_GROUPS].sort());
  });

  it("describes both ends of every slider and defaults it within 0-100", () => {
    for (const slider of PERSONALITY_SLIDERS) {
      expect(slider.low.length).toBeGreaterThan(10);
      expect(slider.high.length).toBeGreaterThan(10);
      expect(Number.isInteger(slider.default)).toBe(true);
      expect(slider.default).toBeGreaterThanOrEqual(0);
      expect(slider.default).toBeLessThanOrEqual(100);
    }
  });

  it("gives every slider its default value", () => {
    const values = defaultSliderValues();
    expect(Object.keys(values)).toHaveLength(30);
    expect(values.warmth).toBe(70);
  });
});
