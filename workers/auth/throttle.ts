/**
 * Login throttling with backoff. Failures are counted per account *from one address* (the email
 * tried together with the client IP) and per address (the client IP, whatever the email). After a
 * few free failures a key must wait before its next try, and each further failure doubles the wait
 * (up to a cap); while a key waits, every login on it (even with the right password) is 429.
 *
 * There is deliberately no account-wide lock: it would let anyone lock any account (an owner, the
 * operator) at will, just by failing on purpose. Someone failing from one place therefore never
 * stops the real user logging in from another. The price is that guesses at one account spread
 * over many addresses are slowed per address only; the address limit and the doubling wait bound
 * each address to a handful of guesses an hour.
 *
 * The address limit is higher than the per-account one because an office shares one address.
 * A success clears that account's counter from that address, but not the address's: one good
 * login must not wipe the record of guesses made against other accounts from the same place.
 * A key's failures are forgotten once it has gone FORGET_AFTER_SECONDS without a failure.
 */
import { eq, inArray } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { loginAttempts } from "../db/platform.schema";

export const FREE_FAILURES_PER_ACCOUNT = 4;
export const FREE_FAILURES_PER_ADDRESS = 19;
export const FIRST_WAIT_SECONDS = 5;
export const MAX_WAIT_SECONDS = 15 * 60;
export const FORGET_AFTER_SECONDS = 60 * 60;

export interface ThrottleKeys {
  /** This account (or link) tried from this address. */
  account: string;
  address: string | null;
}

export function throttleKeys(email: string, ipAddress: string | null | undefined): ThrottleKeys {
  return {
    account: `acct:${email.trim().toLowerCase()}|ip:${ipAddress ?? "unknown"}`,
    address: ipAddress ? `ip:${ipAddress}` : null,
  };
}

function keyList(keys: ThrottleKeys): string[] {
  return keys.address ? [keys.account, keys.address] : [keys.account];
}

/** The wait after a key's `failures`-th failure in a row: none while free, then doubling. */
export function waitSeconds(failures: number, freeFailures: number): number {
  if (failures <= freeFailures) return 0;
  return Math.min(MAX_WAIT_SECONDS, FIRST_WAIT_SECONDS * 2 ** (failures - freeFailures - 1));
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
  freeFailures: number,
  now: Date,
): Promise<void> {
  const row = await db.query.loginAttempts.findFirst({ where: eq(loginAttempts.key, key) });
  // window_started_at holds the time of the key's last failure.
  const remembered =
    row !== undefined &&
    Date.parse(row.windowStartedAt) + FORGET_AFTER_SECONDS * 1000 > now.getTime();
  const failures = remembered ? row.failures + 1 : 1;
  const wait = waitSeconds(failures, freeFailures);
  const lockedUntil = wait > 0 ? new Date(now.getTime() + wait * 1000).toISOString() : null;
  const windowStartedAt = now.toISOString();
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
  await recordFailureFor(db, keys.account, FREE_FAILURES_PER_ACCOUNT, now);
  if (keys.address) await recordFailureFor(db, keys.address, FREE_FAILURES_PER_ADDRESS, now);
}

export async function clearAccountFailures(db: PlatformDb, keys: ThrottleKeys): Promise<void> {
  await db.delete(loginAttempts).where(eq(loginAttempts.key, keys.account));
}

export function retryMessage(seconds: number): string {
  if (seconds < 60)
    return `Too many failed logins. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Too many failed logins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}
