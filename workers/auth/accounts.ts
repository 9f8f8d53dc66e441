/** What a person does with their own account: prove who they are, change their password. */
import { eq } from "drizzle-orm";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import { sessions, users } from "../db/platform.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./passwords";
import type { UserPrincipal } from "./principal";

export type UserRow = typeof users.$inferSelect;

/**
 * The active account with this email and password. An unknown email costs the same hashing work
 * as a known one, so timing does not tell which emails have accounts.
 */
export async function checkCredentials(
  db: PlatformDb,
  email: string,
  password: string,
): Promise<Result<UserRow>> {
  const user = await db.query.users.findFirst({ where: eq(users.email, email) });
  if (!user) await burnPasswordCheck(password);
  const matches =
    user !== undefined &&
    user.status === "active" &&
    (await verifyPassword(password, user.passwordHash));
  if (!user || !matches) return fail("invalid_credentials", "Email or password is wrong");
  return ok(user);
}

/**
 * Sets a new password after checking the current one. The new hash, the end of every session of
 * the account (other browsers logged in with the old password) and the audit row are one batch;
 * the caller then starts this browser's new session.
 */
export async function changePassword(
  db: PlatformDb,
  principal: UserPrincipal,
  currentPassword: string,
  newPassword: string,
  requestId: string,
): Promise<Result<{ userId: string }>> {
  const user = await db.query.users.findFirst({ where: eq(users.id, principal.userId) });
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
    return fail("wrong_password", "currentPassword: is not your current password", [
      { path: "currentPassword", message: "is not your current password" },
    ]);
  }
  const passwordHash = await hashPassword(newPassword);
  await db.batch([
    db
      .update(users)
      .set({ passwordHash, updatedAt: new Date().toISOString() })
      .where(eq(users.id, user.id)),
    db.delete(sessions).where(eq(sessions.userId, user.id)),
    auditInsert(db, principal, { action: "auth.password_change", target: user.id, requestId }),
  ]);
  return ok({ userId: user.id });
}
