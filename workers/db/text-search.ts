/**
 * Substring search without LIKE. D1 refuses LIKE patterns longer than 50 bytes (a 500 for a
 * 26-character search in a non-Latin alphabet), and LIKE treats `%` and `_` in the user's text
 * as wildcards. `instr()` has no length limit and matches literally; `lower()` on both sides keeps
 * LIKE's ASCII case-insensitivity.
 */
import type { SQL, SQLWrapper } from "drizzle-orm";
import { sql } from "drizzle-orm";

/** `column` contains `text` (ASCII case-insensitive, literal). */
export function containsText(column: SQLWrapper, text: string): SQL {
  return sql`instr(lower(${column}), lower(${text})) > 0`;
}

/** `column` starts with `prefix` (literal, case-sensitive as the value is stored). */
export function startsWithText(column: SQLWrapper, prefix: string): SQL {
  return sql`instr(${column}, ${prefix}) = 1`;
}

/**
 * A stored E.164 number contains the digits of `text`, however it is written ("949-555",
 * "(949) 555-0100", "5550100"); undefined when `text` has no digits.
 */
export function phoneContains(column: SQLWrapper, text: string): SQL | undefined {
  const digits = text.replace(/\D/g, "");
  return digits.length > 0 ? sql`instr(${column}, ${digits}) > 0` : undefined;
}
