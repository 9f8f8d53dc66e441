/**
 * The first platform admin comes from PLATFORM_ADMIN_EMAIL / PLATFORM_ADMIN_PASSWORD. It is
 * created the first time that email logs in (or by the local seed), and never overwritten:
 * once the account exists, its own password is the one that counts.
 */
import { eq } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { users } from "../db/platform.schema";
import type { Env } from "../env";
import { newId } from "../lib/crypto";
import { hashPassword } from "./passwords";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function ensurePlatformAdmin(env: Env, db: PlatformDb): Promise<void> {
  const email = env.PLATFORM_ADMIN_EMAIL ? normalizeEmail(env.PLATFORM_ADMIN_EMAIL) : "";
  const password = env.PLATFORM_ADMIN_PASSWORD ?? "";
  if (!email || !password) return;
  const existing = await db.query.users.findFirst({ where: eq(users.email, email) });
  if (existing) return;
  await db
    .insert(users)
    .values({
      id: newId("usr"),
      email,
      passwordHash: await hashPassword(password),
      isPlatformAdmin: true,
      status: "active",
    })
    .onConflictDoNothing();
}
