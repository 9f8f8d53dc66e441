/**
 * Drift from the documented wire shapes, reported once per stream for each event type and
 * field: enough for an operator to see that Twilio or OpenAI changed a message, without a log
 * line per frame. Only the event type and the field's path are logged, never a value.
 */
import type { WithCallFields } from "../../../workers/observability/log-events";
import { log } from "../../../workers/observability/log";

export class DriftLog {
  #seen = new Set<string>();

  constructor(
    private readonly protocol: "twilio" | "realtime",
    private readonly fields: WithCallFields,
  ) {}

  report(eventType: string, drift: readonly string[]): void {
    for (const field of drift) {
      const key = `${eventType}\n${field}`;
      if (this.#seen.has(key)) continue;
      this.#seen.add(key);
      log(
        "warn",
        "call.protocol_drift",
        this.fields({ protocol: this.protocol, eventType, field }),
      );
    }
  }
}
