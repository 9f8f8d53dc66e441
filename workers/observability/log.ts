/**
 * One JSON object per event, read with `wrangler tail`. Callers pass identifiers and facts,
 * never secrets, tokens, audio or whole transcripts: the events and their fields are listed in
 * log-events.ts, and `log` takes no other.
 *
 * Database errors carry the values bound to the failed statement (Drizzle's message is
 * "Failed query: <sql>\nparams: <values>", D1's type errors quote the value), and those values are
 * caller names, phone numbers and emails. `errorText` describes an error by statement and cause
 * only; `log` itself also cuts a failed query's text from any field, for callers that pass a raw
 * `err.message`.
 */
import type { LogEventName, LogEvents, LogValue } from "./log-events";

export type LogLevel = "debug" | "info" | "warn" | "error";

const FAILED_QUERY = "Failed query:";

/** "insert users", "select memberships": what a statement did to which table, without its text. */
export function statementName(sql: string): string {
  const text = sql.trim().toLowerCase();
  const write =
    /^(insert|replace|update|delete)\s+(?:or\s+\w+\s+)?(?:into\s+|from\s+)?"?(\w+)"?/.exec(text);
  if (write) return `${write[1] ?? "write"} ${write[2] ?? "?"}`;
  const from = /\bfrom\s+"?(\w+)"?/.exec(text);
  const verb = /^\w+/.exec(text)?.[0] ?? "statement";
  return from ? `${verb} ${from[1] ?? "?"}` : verb;
}

/** A database message with any quoted value taken out (D1 type errors quote the bad value). */
function withoutValues(message: string): string {
  return message.replace(/for value '[\s\S]*'/, "for value (not logged)").slice(0, 300);
}

function scrub(text: string): string {
  const at = text.indexOf(FAILED_QUERY);
  if (at < 0) return text.startsWith("D1_") ? withoutValues(text) : text;
  const sql = text.slice(at + FAILED_QUERY.length).split(/\nparams:|\s\|\sparams:/, 1)[0] ?? "";
  return `${text.slice(0, at)}${FAILED_QUERY} ${statementName(sql)} (statement and values not logged)`;
}

function hasQuery(err: Error): err is Error & { query: string } {
  return "query" in err && typeof err.query === "string";
}

/** An error as a log line may carry it: for a failed query, its statement name and the database's cause. */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return scrub(String(err));
  if (hasQuery(err)) {
    const cause = err.cause instanceof Error ? withoutValues(err.cause.message) : "unknown cause";
    return `${statementName(err.query)} failed: ${cause}`;
  }
  return scrub(err.message);
}

/** The frames of an error's stack (never its first line, which repeats the message). */
export function stackFrames(err: Error, limit = 5): string | undefined {
  const frames = (err.stack ?? "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at "));
  return frames.length > 0 ? frames.slice(0, limit).join(" | ") : undefined;
}

export function log<E extends LogEventName>(level: LogLevel, event: E, fields: LogEvents[E]): void {
  const safe: Record<string, LogValue> = {};
  for (const [key, value] of Object.entries(fields) as [string, LogValue][])
    safe[key] = typeof value === "string" ? scrub(value) : value;
  const line = JSON.stringify({ level, event, at: new Date().toISOString(), ...safe });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
