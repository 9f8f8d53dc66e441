/**
 * The events the Worker logged during a test, read back from the JSON lines `log()` writes.
 * The Workers pool runs the tests, the Worker behind `SELF.fetch` and its durable objects in
 * one isolate, so a spy on the console sees every line, whichever of them wrote it. Lines still
 * reach the console (printed when a test fails); the spies are removed when the test finishes.
 */
import { expect, onTestFinished, vi } from "vitest";
import type { LogEventName, LogEvents } from "../../workers/observability/log-events";
import type { LogLevel } from "../../workers/observability/log";

export type LoggedEvent<E extends LogEventName> = LogEvents[E] & {
  level: LogLevel;
  event: E;
  at: string;
};

export interface LogCapture {
  /** Everything written to the console, as text: for what no line may contain. */
  text(): string;
  /** The events of this name, in order, whose fields include `match`. */
  events<E extends LogEventName>(event: E, match?: Partial<LogEvents[E]>): LoggedEvent<E>[];
  /** Asserts that an event of this name was logged with (at least) these fields. */
  expectEvent<E extends LogEventName>(event: E, fields?: Partial<LogEvents[E]>): void;
}

function parsed(line: string): Record<string, unknown> | null {
  if (!line.startsWith("{")) return null;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** Starts capturing the console for the rest of the current test. */
export function captureLogEvents(): LogCapture {
  const lines: string[] = [];
  const spies = (["log", "warn", "error"] as const).map((method) => {
    const write = console[method].bind(console);
    return vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(" "));
      write(...args);
    });
  });
  onTestFinished(() => {
    for (const spy of spies) spy.mockRestore();
  });
  const events = <E extends LogEventName>(event: E, match: Partial<LogEvents[E]> = {}) =>
    lines
      .map(parsed)
      .filter((line): line is Record<string, unknown> => line?.["event"] === event)
      .filter((line) => Object.entries(match).every(([key, value]) => line[key] === value))
      .map((line) => line as LoggedEvent<E>);
  return {
    text: () => lines.join("\n"),
    events,
    expectEvent: (event, fields = {}) => {
      const expected: Record<string, unknown> = { ...fields };
      expect(events(event), `a "${event}" event`).toContainEqual(expect.objectContaining(expected));
    },
  };
}
