/**
 * Phone numbers spoken back to a caller, digit by digit in the groups people say them in, so a
 * misheard digit is caught before a lead or a callback number is stored.
 */
import { isE164, normalizePhone } from "../../../workers/lib/phone";

const DIGIT_WORDS = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
];

function spell(group: string): string {
  return [...group].map((d) => DIGIT_WORDS[Number(d)] ?? d).join(" ");
}

/** "+19495550100" → "nine four nine, five five five, zero one zero zero". */
export function readBackDigits(e164: string): string {
  const digits = e164.replace(/\D/g, "");
  if (e164.startsWith("+1") && digits.length === 11) {
    const national = digits.slice(1);
    return [national.slice(0, 3), national.slice(3, 6), national.slice(6)].map(spell).join(", ");
  }
  const groups: string[] = [];
  for (let i = 0; i < digits.length; i += 3) groups.push(digits.slice(i, i + 3));
  return `plus ${groups.map(spell).join(", ")}`;
}

/** The caller's own number when it is a real one (not withheld or "anonymous"). */
export function callerNumber(callerPhone: string): string | null {
  if (isE164(callerPhone)) return callerPhone;
  return normalizePhone(callerPhone);
}
