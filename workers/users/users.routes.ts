/**
 * Accounts, for operators (`/api/platform/users…`): the directory and reset links.
 *
 * A folder of its own rather than auth/: auth/ is how a request proves who it is (sessions,
 * passwords, keys, throttling); this is a resource operators manage, like tenants, and it
 * will grow the same way (disable, delete) without touching authentication.
 */
import { z } from "zod";
import { requirePlatformAdmin } from "../auth/middleware";
import { platformDb } from "../db/handles";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { acceptLink } from "../team/invitations";
import { ResetLink } from "../team/team.schema";
import { issueUserResetLink, listUsers } from "./users";
import { UserListQuery, UserPage } from "./users.schema";

const TAG = "Users";

const accounts = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
accounts.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformUserRoutes = accounts
  .openapi(
    defineRoute({
      method: "get",
      path: "/users",
      tag: TAG,
      security: "session",
      summary: "Users (search, paginate)",
      request: { query: UserListQuery },
      responses: { 200: jsonResponse(UserPage, "Users with their memberships") },
    }),
    async (c) => c.json(await listUsers(platformDb(c.env.PLATFORM_DB), c.req.valid("query")), 200),
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/users/{userId}/reset-link",
      tag: TAG,
      security: "session",
      summary: "Issue a password reset link",
      request: { params: z.object({ userId: z.string() }) },
      responses: { 201: jsonResponse(ResetLink, "Link") },
    }),
    async (c) => {
      const issued = unwrap(
        await issueUserResetLink(
          platformDb(c.env.PLATFORM_DB),
          requirePlatformAdmin(c),
          c.req.valid("param").userId,
          c.get("requestId"),
        ),
      );
      return c.json(
        { link: acceptLink(c.env, issued.token), expiresAt: issued.invitation.expiresAt },
        201,
      );
    },
  );
