/**
 * /api/auth: login (throttled, rotating the session), logout, me, password change, and the
 * invitation / reset-link acceptance that sets a password and logs in. Login and the two link
 * routes are anonymous (`ANONYMOUS_PATHS` in middleware.ts); the others need a session.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Context, MiddlewareHandler } from "hono";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { memberships, tenants, users } from "../db/platform.schema";
import type { AppEnv } from "../http/app-env";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { failureError, unwrap } from "../http/error-status";
import { AppError } from "../http/errors";
import { log } from "../observability/log";
import {
  AcceptInvitationRequest,
  ChangePasswordRequest,
  InvitationPreview,
  LoggedOut,
  LoginRequest,
  LoginResponse,
  LookupInvitationQuery,
  MeResponse,
  PasswordChanged,
} from "./auth.schema";
import { ensurePlatformAdmin, normalizeEmail } from "./bootstrap";
import { acceptInvitation, lookupInvitation } from "../team/invitations";
import { requireUser } from "./middleware";
import { changePassword, checkCredentials } from "./accounts";
import {
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  createSession,
  deleteSession,
  readCookie,
  sessionCookie,
  sessionIdHash,
} from "./sessions";
import {
  clearAccountFailures,
  lockedForSeconds,
  recordLoginFailure,
  retryMessage,
  throttleKeys,
} from "./throttle";
import type { ThrottleKeys } from "./throttle";

function clientAddress(c: Context<AppEnv>): string | null {
  return c.req.header("cf-connecting-ip") ?? null;
}

async function refuseWhenThrottled(
  c: Context<AppEnv>,
  db: PlatformDb,
  keys: ThrottleKeys,
): Promise<void> {
  const seconds = await lockedForSeconds(db, keys);
  if (seconds > 0) {
    c.header("Retry-After", String(seconds));
    log("warn", "auth.throttled", { requestId: c.get("requestId"), retryAfter: seconds });
    throw new AppError(429, "too_many_attempts", retryMessage(seconds));
  }
}

/**
 * Opens a new session for this browser: the one its cookie held before (if any) is deleted, so
 * a session id planted before login is never the one that ends up authenticated.
 */
async function startSession(c: Context<AppEnv>, db: PlatformDb, userId: string) {
  const previous = readCookie(c.req.header("cookie"), SESSION_COOKIE);
  if (previous && previous.length <= 100) await deleteSession(db, await sessionIdHash(previous));
  const session = await createSession(db, userId, {
    ipAddress: clientAddress(c),
    userAgent: c.req.header("user-agent") ?? null,
  });
  c.header("Set-Cookie", sessionCookie(session.token, SESSION_TTL_SECONDS));
  return session;
}

async function userView(db: PlatformDb, userId: string) {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) throw new Error("user vanished");
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    isPlatformAdmin: user.isPlatformAdmin,
  };
}

const TAG = "Accounts";

/** Refuses before validation: an anonymous caller is told to log in, whatever they sent. */
const signedIn: MiddlewareHandler<AppEnv> = async (c, next) => {
  requireUser(c);
  await next();
};

const auth = router();

export const authRoutes = auth
  .openapi(
    defineRoute({
      method: "post",
      path: "/login",
      tag: TAG,
      security: "none",
      summary: "Log in (throttled; rotates the session)",
      request: { body: jsonBody(LoginRequest) },
      responses: { 200: jsonResponse(LoginResponse, "Logged in; sets ns_session") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const db = platformDb(c.env.PLATFORM_DB);
      const email = normalizeEmail(body.email);
      const keys = throttleKeys(email, clientAddress(c));
      await refuseWhenThrottled(c, db, keys);
      if (c.env.PLATFORM_ADMIN_EMAIL && normalizeEmail(c.env.PLATFORM_ADMIN_EMAIL) === email) {
        await ensurePlatformAdmin(c.env, db);
      }
      const checked = await checkCredentials(db, email, body.password);
      if (!checked.ok) {
        await recordLoginFailure(db, keys);
        log("warn", "auth.login_failed", { requestId: c.get("requestId") });
        throw failureError(checked);
      }
      const user = checked.value;
      await clearAccountFailures(db, keys);
      const session = await startSession(c, db, user.id);
      log("info", "auth.login", { requestId: c.get("requestId"), userId: user.id });
      return c.json(
        {
          user: await userView(db, user.id),
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt,
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/logout",
      tag: TAG,
      security: "session",
      summary: "Log out",
      middleware: signedIn,
      responses: { 200: jsonResponse(LoggedOut, "Logged out; clears ns_session") },
    }),
    async (c) => {
      const user = requireUser(c);
      await deleteSession(platformDb(c.env.PLATFORM_DB), user.sessionIdHash);
      c.header("Set-Cookie", sessionCookie("", 0));
      return c.json({ ok: true as const }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/me",
      tag: TAG,
      security: "session",
      summary: "The logged-in user, CSRF token and memberships",
      middleware: signedIn,
      responses: { 200: jsonResponse(MeResponse, "Who is logged in") },
    }),
    async (c) => {
      const user = requireUser(c);
      const db = platformDb(c.env.PLATFORM_DB);
      const rows = await db
        .select({
          tenantId: memberships.tenantId,
          role: memberships.role,
          businessName: tenants.businessName,
          slug: tenants.slug,
          status: tenants.status,
        })
        .from(memberships)
        .innerJoin(tenants, and(eq(tenants.id, memberships.tenantId)))
        .where(eq(memberships.userId, user.userId));
      return c.json(
        { user: await userView(db, user.userId), csrfToken: user.csrfToken, memberships: rows },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/password",
      tag: TAG,
      security: "session",
      summary: "Change password (needs the current one)",
      middleware: signedIn,
      request: { body: jsonBody(ChangePasswordRequest) },
      responses: { 200: jsonResponse(PasswordChanged, "Changed; other sessions are logged out") },
    }),
    async (c) => {
      const principal = requireUser(c);
      const body = c.req.valid("json");
      const db = platformDb(c.env.PLATFORM_DB);
      const { userId } = unwrap(
        await changePassword(
          db,
          principal,
          body.currentPassword,
          body.newPassword,
          c.get("requestId"),
        ),
      );
      // The batch ended every session of the account; this browser continues in a new one.
      const session = await startSession(c, db, userId);
      return c.json(
        { ok: true as const, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/invitations/lookup",
      tag: TAG,
      security: "none",
      summary: "What an invitation or reset link is for",
      request: { query: LookupInvitationQuery },
      responses: {
        200: jsonResponse(z.object({ invitation: InvitationPreview }), "The link's purpose"),
      },
    }),
    async (c) => {
      const { token } = c.req.valid("query");
      const invitation = unwrap(await lookupInvitation(platformDb(c.env.PLATFORM_DB), token));
      return c.json({ invitation }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/invitations/accept",
      tag: TAG,
      security: "none",
      summary: "Accept an invitation or reset link; logs in",
      request: { body: jsonBody(AcceptInvitationRequest) },
      responses: { 200: jsonResponse(LoginResponse, "Logged in; sets ns_session") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const db = platformDb(c.env.PLATFORM_DB);
      // Guessing link tokens, or the password of an existing account, is throttled like logins.
      const keys = throttleKeys(`link:${await sessionIdHash(body.token)}`, clientAddress(c));
      await refuseWhenThrottled(c, db, keys);
      const accepted = await acceptInvitation(db, { ...body, requestId: c.get("requestId") });
      if (!accepted.ok) {
        if (accepted.code === "wrong_password" || accepted.code === "invitation_not_found")
          await recordLoginFailure(db, keys);
        throw failureError(accepted);
      }
      const { userId, kind } = accepted.value;
      const session = await startSession(c, db, userId);
      log("info", "auth.link_accepted", { requestId: c.get("requestId"), userId, kind });
      return c.json(
        {
          user: await userView(db, userId),
          csrfToken: session.csrfToken,
          expiresAt: session.expiresAt,
        },
        200,
      );
    },
  );
