import { describe, expect, it } from "vitest";
import { renderGreeting } from "../../workers/agents/greeting";

const config = { businessName: "Peterson Family Insurance", agentName: "Ava" };

function render(greeting: string, callerFirstName?: string | null): string {
  return renderGreeting({ ...config, greeting }, { callerFirstName });
}

describe("renderGreeting", () => {
  it("greets a known caller by first name", () => {
    expect(render("Hi {caller_first_name}, thanks for calling {business_name}!", "John")).toBe(
      "Hi John, thanks for calling Peterson Family Insurance!",
    );
  });

  it("renders the greeting without the caller's name when unknown", () => {
    expect(render("Hi {caller_first_name}, thanks for calling {business_name}!", null)).toBe(
      "Hi, thanks for calling Peterson Family Insurance!",
    );
  });

  it("drops the comma that introduced an unknown name", () => {
    expect(render("Welcome back, {caller_first_name}! This is {agent_name}.")).toBe(
      "Welcome back! This is Ava.",
    );
  });

  it("starts the sentence with the next word when it opened with the unknown name", () => {
    expect(render("Thanks for calling {business_name}. {caller_first_name}, how can I help?")).toBe(
      "Thanks for calling Peterson Family Insurance. How can I help?",
    );
    expect(render("{caller_first_name}, welcome to {business_name}.", "")).toBe(
      "Welcome to Peterson Family Insurance.",
    );
  });

  it("treats a blank first name as unknown", () => {
    expect(render("Hello {caller_first_name}.", "  ")).toBe("Hello.");
  });

  it("does not expand placeholders that appear inside a caller's name", () => {
    expect(render("Hi {caller_first_name}!", "{agent_name}")).toBe("Hi {agent_name}!");
  });
});
