/**
 * Authentication for API requests. A request carries either a tenant API key
 * (`Authorization: Bearer nsk_…`) or a session cookie; state-changing requests made with a
 * cookie must also carry the session's CSRF token in `X-CSRF-Token`.
 */
import type { Context, MiddlewareHandler } from "hono";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { AppError, forbidden, unauthorized } from "../http/errors";
import { constantTimeEqual } from "../lib/crypto";
import { apiKeyPrincipal, needsTouch, touchApiKey } from "../api-keys/api-keys";
import type { ApiKeyPrincipal, Principal, UserPrincipal } from "./principal";
import { SESSION_COOKIE, readCookie, sessionPrincipal } from "./sessions";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Endpoints for people who are not (yet) logged in. They ignore any session cookie, so a stale
 * cookie never blocks logging in or accepting an invitation; login rotates the old session itself.
 * Cross-site posts cannot reach them either: they accept only application/json bodies.
 */
export const ANONYMOUS_PATHS: ReadonlySet<string> = new Set([
  "/api/auth/login",
  "/api/auth/invitations/lookup",
  "/api/auth/invitations/accept",
]);

async function principalFrom(c: Context<AppEnv>): Promise<Principal | null> {
  const db = platformDb(c.env.PLATFORM_DB);
  const authorization = c.req.header("authorization");
  if (authorization) {
    const [scheme, value] = authorization.split(" ", 2);
    if (scheme?.toLowerCase() !== "bearer" || !value)
      throw unauthorized("Authorization must be 'Bearer <api key>'");
    const principal = await apiKeyPrincipal(db, value.trim());
    if (!principal) throw unauthorized("API key is not valid or was revoked");
    if (needsTouch(principal.lastUsedAt ?? null)) {
      c.executionCtx.waitUntil(touchApiKey(db, principal.apiKeyId));
    }
    return principal;
  }
  const token = readCookie(c.req.header("cookie"), SESSION_COOKIE);
  if (!token) return null;
  const principal = await sessionPrincipal(db, token);
  if (!principal)
    throw new AppError(401, "session_expired", "Your session has expired; log in again");
  return principal;
}

/** Sets `principal` when the request is authenticated; refuses bad credentials; lets anonymous through. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (ANONYMOUS_PATHS.has(c.req.path)) {
    await next();
    return;
  }
  const principal = await principalFrom(c);
  if (principal) {
    if (principal.kind === "user" && !SAFE_METHODS.has(c.req.method)) {
      const presented = c.req.header("x-csrf-token") ?? "";
      if (!constantTimeEqual(presented, principal.csrfToken)) {
        throw new AppError(403, "csrf_failed", "Missing or wrong X-CSRF-Token header");
      }
    }
    c.set("principal", principal);
  }
  await next();
};

export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw unauthorized();
  return principal;
}

export function requireUser(c: Context<AppEnv>): UserPrincipal {
  const principal = requirePrincipal(c);
  if (principal.kind !== "user") throw forbidden("This endpoint needs a logged-in user");
  return principal;
}

export function requirePlatformAdmin(c: Context<AppEnv>): UserPrincipal {
  const user = requireUser(c);
  if (!user.isPlatformAdmin) throw forbidden("Platform administrators only");
  return user;
}

export function requireApiKey(c: Context<AppEnv>): ApiKeyPrincipal {
  const principal = requirePrincipal(c);
  if (principal.kind !== "api_key") throw unauthorized("This endpoint needs a tenant API key");
  return principal;
}
