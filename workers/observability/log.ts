/**
 * One JSON object per event, read with `wrangler tail`. Callers pass identifiers and facts,
 * never secrets, tokens, audio or whole transcripts: the fields below are all a log may carry.
 */
export interface LogFields {
  requestId?: string;
  tenantId?: string;
  callSid?: string;
  status?: number;
  durationMs?: number;
  code?: string;
  message?: string;
  [key: string]: string | number | boolean | null | undefined;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export function log(level: LogLevel, event: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ level, event, at: new Date().toISOString(), ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
