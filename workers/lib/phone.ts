/** Phone numbers are stored and compared as E.164 only. */
import { z } from "zod";

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Normalises what a person or a form typed to E.164. Ten-digit numbers are taken as North
 * American (the platform's first market); anything else must carry its country code.
 * Returns null when the input cannot be a phone number.
 */
export function normalizePhone(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 32) return null;
  if (!/^[+\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  let candidate: string;
  if (trimmed.startsWith("+")) candidate = `+${digits}`;
  else if (digits.length === 10) candidate = `+1${digits}`;
  else if (digits.length === 11 && digits.startsWith("1")) candidate = `+${digits}`;
  else candidate = `+${digits}`;
  return E164.test(candidate) ? candidate : null;
}

/** A zod schema that accepts any reasonable spelling and yields E.164. */
export const PhoneNumber = z.string().transform((value, ctx) => {
  const normalized = normalizePhone(value);
  if (normalized === null) {
    ctx.addIssue({ code: "custom", message: "must be a phone number, e.g. +19495550100" });
    return z.NEVER;
  }
  return normalized;
});
export type PhoneNumber = z.infer<typeof PhoneNumber>;

export function isE164(value: string): boolean {
  return E164.test(value);
}
