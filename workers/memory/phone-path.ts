/** The caller phone in a path (`/caller/{phone}`), URL-encoded by the client, as E.164. */
import { badRequest } from "../http/errors";
import { normalizePhone } from "../lib/phone";

/**
 * The router has decoded the path once; clients encode `+` as `%2B`, and some encode twice, so
 * it is decoded once more (an undecodable rest is a 400, not a crash).
 */
export function phoneFromPath(raw: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw badRequest("phone: is not a valid URL-encoded phone number");
  }
  const phone = normalizePhone(decoded);
  if (!phone) throw badRequest("phone: must be a phone number, e.g. +19495550100");
  return phone;
}
