/**
 * Login throttling. Failures are counted per account (the email tried) and per address (the
 * client IP) in a fixed window; once a key reaches its limit it is locked until the window
 * ends, and every login on it (even with the right password) is refused with 429 meanwhile.
 *
 * The address limit is higher than the account limit because an office shares one address.
 * A success clears the account's counter but not the address's: one good login must not wipe
 * the record of guesses made against other accounts from the same place.
 */
import { eq, inArray } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { loginAttempts } from "../db/platform.schema";

export const THROTTLE_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export interface ThrottleKeys {
  account: string;
  address: string | null;
}

export function throttleKeys(email: string, ipAddress: string | null | undefined): ThrottleKeys {
  return {
    account: `acct:${email.trim().toLowerCase()}`,
    address: ipAddress ? `ip:${ipAddress}` : null,
  };
}

function keyList(keys: ThrottleKeys): string[] {
  return keys.address ? [keys.account, keys.address] : [keys.account];
}

/** Seconds until logins on these keys are allowed again, or 0 when they are allowed now. */
export async function lockedForSeconds(
  db: PlatformDb,
  keys: ThrottleKeys,
  now = new Date(),
): Promise<number> {
  const rows = await db
    .select()
    .from(loginAttempts)
    .where(inArray(loginAttempts.key, keyList(keys)));
  let until = 0;
  for (const row of rows) {
    if (!row.lockedUntil) continue;
    const t = Date.parse(row.lockedUntil);
    if (t > now.getTime()) until = Math.max(until, t);
  }
  return until === 0 ? 0 : Math.ceil((until - now.getTime()) / 1000);
}

async function recordFailureFor(
  db: PlatformDb,
  key: string,
  limit: number,
  now: Date,
): Promise<void> {
  const row = await db.query.loginAttempts.findFirst({ where: eq(loginAttempts.key, key) });
  const windowOpen =
    row !== undefined &&
    Date.parse(row.windowStartedAt) + THROTTLE_WINDOW_SECONDS * 1000 > now.getTime();
  const failures = windowOpen ? row.failures + 1 : 1;
  const windowStartedAt = windowOpen ? row.windowStartedAt : now.toISOString();
  const lockedUntil =
    failures >= limit
      ? new Date(Date.parse(windowStartedAt) + THROTTLE_WINDOW_SECONDS * 1000).toISOString()
      : null;
  await db
    .insert(loginAttempts)
    .values({ key, failures, windowStartedAt, lockedUntil })
    .onConflictDoUpdate({
      target: loginAttempts.key,
      set: { failures, windowStartedAt, lockedUntil },
    });
}

export async function recordLoginFailure(
  db: PlatformDb,
  keys: ThrottleKeys,
  now = new Date(),
): Promise<void> {
  await recordFailureFor(db, keys.account, MAX_FAILURES_PER_ACCOUNT, now);
  if (keys.address) await recordFailureFor(db, keys.address, MAX_FAILURES_PER_ADDRESS, now);
}

export async function clearAccountFailures(db: PlatformDb, keys: ThrottleKeys): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, keys.account));
}

export function retryMessage(seconds: number): string {
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed logins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
