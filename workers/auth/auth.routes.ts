import { and, eq } from "drizzle-orm";
import { Hono } from "hono";
import { platformDb } from "../db/handles";
import { memberships, tenants, users } from "../db/platform.schema";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { jsonBody } from "../http/validation";
import { log } from "../observability/log";
import { LoginRequest } from "./auth.schema";
import { ensurePlatformAdmin, normalizeEmail } from "./bootstrap";
import { requireUser } from "./middleware";
import { burnPasswordCheck, verifyPassword } from "./passwords";
import { SESSION_TTL_SECONDS, createSession, deleteSession, sessionCookie } from "./sessions";

export const authRoutes = new Hono<AppEnv>()
  .post("/login", async (c) => {
    const body = await jsonBody(c, LoginRequest);
    const db = platformDb(c.env.PLATFORM_DB);
    const email = normalizeEmail(body.email);
    if (c.env.PLATFORM_ADMIN_EMAIL && normalizeEmail(c.env.PLATFORM_ADMIN_EMAIL) === email) {
      await ensurePlatformAdmin(c.env, db);
    }
    const user = await db.query.users.findFirst({ where: eq(users.email, email) });
    if (!user) await burnPasswordCheck(body.password);
    const ok =
      user !== undefined &&
      user.status === "active" &&
      (await verifyPassword(body.password, user.passwordHash));
    if (!user || !ok) {
      log("warn", "auth.login_failed", { requestId: c.get("requestId") });
      throw new AppError(401, "invalid_credentials", "Email or password is wrong");
    }
    const session = await createSession(db, user.id, {
      ipAddress: c.req.header("cf-connecting-ip") ?? null,
      userAgent: c.req.header("user-agent") ?? null,
    });
    c.header("Set-Cookie", sessionCookie(session.token, SESSION_TTL_SECONDS));
    log("info", "auth.login", { requestId: c.get("requestId"), userId: user.id });
    return c.json({
      user: { id: user.id, email: user.email, isPlatformAdmin: user.isPlatformAdmin },
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    });
  })
  .post("/logout", async (c) => {
    const user = requireUser(c);
    await deleteSession(platformDb(c.env.PLATFORM_DB), user.sessionIdHash);
    c.header("Set-Cookie", sessionCookie("", 0));
    return c.json({ ok: true });
  })
  .get("/me", async (c) => {
    const user = requireUser(c);
    const db = platformDb(c.env.PLATFORM_DB);
    const rows = await db
      .select({
        tenantId: memberships.tenantId,
        role: memberships.role,
        businessName: tenants.businessName,
        slug: tenants.slug,
      })
      .from(memberships)
      .innerJoin(tenants, and(eq(tenants.id, memberships.tenantId)))
      .where(eq(memberships.userId, user.userId));
    return c.json({
      user: { id: user.userId, email: user.email, isPlatformAdmin: user.isPlatformAdmin },
      csrfToken: user.csrfToken,
      memberships: rows,
    });
  });
