/**
 * Renders the tenant's greeting for one call.
 *
 * When the caller's first name is unknown, `{caller_first_name}` disappears together with the
 * punctuation that only served it: "Hi {caller_first_name}, thanks…" becomes "Hi, thanks…",
 * "Welcome back, {caller_first_name}!" becomes "Welcome back!", and a sentence that started
 * with the name starts with its next word, capitalised.
 */
import type { AgentConfig } from "./agent-config.schema";

const NAME = "\\{caller_first_name\\}";
// The name opens the text or a sentence: drop it and the comma after it, then capitalise.
const NAME_OPENS_SENTENCE = new RegExp(`(^|[.!?]\\s+)${NAME}[,;:]?\\s*(\\S?)`, "g");
// The name sits inside a sentence: drop it with the comma or space that introduced it.
const NAME_IN_SENTENCE = new RegExp(`[,\\s]*${NAME}`, "g");

function withoutCallerName(greeting: string): string {
  return greeting
    .replace(NAME_OPENS_SENTENCE, (_m, start: string, next: string) => start + next.toUpperCase())
    .replace(NAME_IN_SENTENCE, "");
}

export function renderGreeting(
  config: Pick<AgentConfig, "greeting" | "businessName" | "agentName">,
  caller: { callerFirstName?: string | null } = {},
): string {
  const firstName = caller.callerFirstName?.trim() ?? "";
  const template = firstName.length > 0 ? config.greeting : withoutCallerName(config.greeting);
  const values: Record<string, string> = {
    business_name: config.businessName,
    agent_name: config.agentName,
    caller_first_name: firstName,
  };
  // One pass, so a value that happens to contain "{agent_name}" is never expanded again.
  return template
    .replace(/\{([a-z_]+)\}/g, (match, key: string) => values[key] ?? match)
    .replace(/\s{2,}/g, " ")
    .trim();
}
