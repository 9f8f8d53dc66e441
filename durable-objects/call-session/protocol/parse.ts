/** Helpers shared by the protocol parsers: they turn bad frames into reasons, never throws. */
import type { z } from "zod";

export function safeJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: "invalid JSON" };
  }
}

/**
 * First issue only: enough to debug, short enough to log on every bad frame. Never includes the
 * offending value, which may be audio, a transcript or a token.
 */
export function describeIssues(kind: string, error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return `invalid ${kind}`;
  if (issue.code === "invalid_union" && issue.path.length === 1) return `unknown event "${kind}"`;
  const path = issue.path.map(String).join(".");
  return `invalid ${kind}: ${path || "(root)"}: ${issue.message}`;
}

/** No drift: shared, so the per-frame path allocates nothing for a well-formed message. */
export const NO_DRIFT: readonly string[] = Object.freeze([]);

/**
 * Where a message strays from its documented shape: the dotted path of each field that is
 * missing or not as documented, deduplicated. Paths name schema keys (and array indexes),
 * never values, so they are safe to log.
 */
export function driftFrom(documented: z.ZodType, value: unknown): readonly string[] {
  const parsed = documented.safeParse(value);
  if (parsed.success) return NO_DRIFT;
  const fields = parsed.error.issues.map((issue) => issue.path.map(String).join(".") || "(root)");
  return [...new Set(fields)];
}
