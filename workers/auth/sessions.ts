/** Server-side sessions: the cookie holds a random token, the table holds only its hash. */
import { eq, lt } from "drizzle-orm";
import type { PlatformDb } from "../db/handles";
import { sessions, users } from "../db/platform.schema";
import { randomBytes, sha256Hex, toBase64Url } from "../lib/crypto";
import type { UserPrincipal } from "./principal";

export const SESSION_COOKIE = "ns_session";
export const SESSION_TTL_SECONDS = 12 * 60 * 60;

export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

export async function createSession(
  db: PlatformDb,
  userId: string,
  meta: { ipAddress?: string | null; userAgent?: string | null },
): Promise<NewSession> {
  const token = toBase64Url(randomBytes(32));
  const csrfToken = toBase64Url(randomBytes(24));
  const expiresAt = new Date(Date.now() + SESSION_TTL_SECONDS * 1000).toISOString();
  await db.insert(sessions).values({
    idHash: await sha256Hex(token),
    userId,
    csrfToken,
    expiresAt,
    ipAddress: meta.ipAddress ?? null,
    userAgent: meta.userAgent?.slice(0, 200) ?? null,
  });
  // Expired sessions are swept opportunistically; they are refused on read regardless.
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date().toISOString()));
  return { token, csrfToken, expiresAt };
}

export async function sessionPrincipal(
  db: PlatformDb,
  token: string,
): Promise<UserPrincipal | null> {
  if (token.length < 20 || token.length > 100) return null;
  const idHash = await sha256Hex(token);
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, idHash))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (row.session.expiresAt <= new Date().toISOString() || row.user.status !== "active")
    return null;
  return {
    kind: "user",
    userId: row.user.id,
    email: row.user.email,
    isPlatformAdmin: row.user.isPlatformAdmin,
    sessionIdHash: idHash,
    csrfToken: row.session.csrfToken,
  };
}

export async function deleteSession(db: PlatformDb, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

export function sessionCookie(token: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${maxAgeSeconds}`;
}

export function readCookie(header: string | undefined | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }
  return null;
}

/** The hash under which a presented session token would be stored. */
export function sessionIdHash(token: string): Promise<string> {
  return sha256Hex(token);
}
