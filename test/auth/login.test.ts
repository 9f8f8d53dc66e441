import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, api, loginAsPlatformAdmin } from "../support/api";

describe("POST /api/auth/login", () => {
  it("logs in the platform admin from PLATFORM_ADMIN_EMAIL with an HttpOnly, Secure session cookie", async () => {
    const res = await SELF.fetch(`${BASE}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: env.PLATFORM_ADMIN_EMAIL,
        password: env.PLATFORM_ADMIN_PASSWORD,
      }),
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^ns_session=[^;]{20,};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Secure");
    expect(cookie).toContain("SameSite=Strict");
    const body = await res.json<{ user: { isPlatformAdmin: boolean }; csrfToken: string }>();
    expect(body.user.isPlatformAdmin).toBe(true);
    expect(body.csrfToken.length).toBeGreaterThan(20);
  });

  it("stores the password as a salted PBKDF2 hash, never in clear", async () => {
    await loginAsPlatformAdmin();
    const row = await env.PLATFORM_DB.prepare("SELECT password_hash FROM users WHERE email = ?")
      .bind(env.PLATFORM_ADMIN_EMAIL)
      .first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/=]{24}\$/);
    expect(row?.password_hash).not.toContain(env.PLATFORM_ADMIN_PASSWORD ?? "never");
  });

  it("answers 401 invalid_credentials for a wrong password", async () => {
    const res = await api("POST", "/api/auth/login", {
      body: { email: env.PLATFORM_ADMIN_EMAIL, password: "nope" },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: "invalid_credentials", message: "Email or password is wrong" },
    });
  });

  it("answers 401 the same way for an unknown email", async () => {
    const res = await api("POST", "/api/auth/login", {
      body: { email: "nobody@example.com", password: "whatever" },
    });
    expect(res.status).toBe(401);
  });

  it("answers 400 naming the field when the email is not an email", async () => {
    const res = await api<{ error: { code: string; message: string } }>("POST", "/api/auth/login", {
      body: { email: "not-an-email", password: "x" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("email");
  });

  it("answers 400 for a body that is not JSON", async () => {
    const res = await api<{ error: { code: string } }>("POST", "/api/auth/login", {
      rawBody: "{email:",
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_request");
  });

  it("answers /api/auth/me with the user and its CSRF token for a live session", async () => {
    const session = await loginAsPlatformAdmin();
    const me = await api<{ user: { id: string }; csrfToken: string }>("GET", "/api/auth/me", {
      auth: { session },
    });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(session.userId);
    expect(me.body.csrfToken).toBe(session.csrfToken);
  });

  it("ends the session on logout, after which the cookie is refused", async () => {
    const session = await loginAsPlatformAdmin();
    expect((await api("POST", "/api/auth/logout", { auth: { session } })).status).toBe(200);
    const me = await api<{ error: { code: string } }>("GET", "/api/auth/me", { auth: { session } });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe("session_expired");
  });
});
