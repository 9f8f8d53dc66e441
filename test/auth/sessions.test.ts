import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, api, seedDemoTenants } from "../support/api";
import type { Session } from "../support/api";
import { PASSWORD, memberOf } from "../support/members";

type ErrorBody = { error: { code: string; message: string; issues?: { path: string }[] } };

async function loginWithCookie(email: string, password: string, cookie?: string) {
  const res = await SELF.fetch(`${BASE}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });
  const body = await res.json<{ csrfToken?: string; user?: { id: string } }>();
  return {
    status: res.status,
    session: {
      cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
      csrfToken: body.csrfToken ?? "",
      userId: body.user?.id ?? "",
    } satisfies Session,
  };
}

async function account() {
  await seedDemoTenants();
  return memberOf("tnt_demo_johnson", "staff");
}

describe("sessions", () => {
  it("gives a new session id on every login and ends the one this browser held before", async () => {
    const user = await account();
    const first = await loginWithCookie(user.email, PASSWORD);
    const second = await loginWithCookie(user.email, PASSWORD, first.session.cookie);
    expect(second.status).toBe(200);
    expect(second.session.cookie).not.toBe(first.session.cookie);
    const old = await api<ErrorBody>("GET", "/api/auth/me", { auth: { session: first.session } });
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe("session_expired");
    expect((await api("GET", "/api/auth/me", { auth: { session: second.session } })).status).toBe(
      200,
    );
  });

  it("lets a browser with a stale session cookie log in", async () => {
    const user = await account();
    const stale = "ns_session=" + "x".repeat(43);
    expect((await loginWithCookie(user.email, PASSWORD, stale)).status).toBe(200);
  });

  it("refuses an expired session with 401 session_expired", async () => {
    const user = await account();
    await env.PLATFORM_DB.prepare(
      "UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z' WHERE user_id = ?",
    )
      .bind(user.userId)
      .run();
    const res = await api<ErrorBody>("GET", "/api/auth/me", { auth: { session: user } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("session_expired");
  });

  it("refuses a state-changing request without the CSRF token and changes nothing", async () => {
    const user = await account();
    const res = await api<ErrorBody>("POST", "/api/auth/password", {
      auth: { session: user },
      headers: { "x-csrf-token": "" },
      body: { currentPassword: PASSWORD, newPassword: "a brand new password" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("csrf_failed");
    expect((await loginWithCookie(user.email, PASSWORD)).status).toBe(200);
  });
});

describe("POST /api/auth/password", () => {
  it("changes the password when the current one is given, and the new one logs in", async () => {
    const user = await account();
    const res = await api<{ ok: boolean; csrfToken: string }>("POST", "/api/auth/password", {
      auth: { session: user },
      body: { currentPassword: PASSWORD, newPassword: "a brand new password" },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^ns_session=[^;]{20,};/);
    expect((await loginWithCookie(user.email, PASSWORD)).status).toBe(401);
    expect((await loginWithCookie(user.email, "a brand new password")).status).toBe(200);
  });

  it("answers 400 wrong_password naming currentPassword and changes nothing", async () => {
    const user = await account();
    const res = await api<ErrorBody>("POST", "/api/auth/password", {
      auth: { session: user },
      body: { currentPassword: "not my password", newPassword: "a brand new password" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("wrong_password");
    expect(res.body.error.issues?.[0]?.path).toBe("currentPassword");
    expect((await loginWithCookie(user.email, PASSWORD)).status).toBe(200);
  });

  it("logs out the user's other browsers", async () => {
    const user = await account();
    const other = await loginWithCookie(user.email, PASSWORD);
    await api("POST", "/api/auth/password", {
      auth: { session: user },
      body: { currentPassword: PASSWORD, newPassword: "a brand new password" },
    });
    expect((await api("GET", "/api/auth/me", { auth: { session: other.session } })).status).toBe(
      401,
    );
  });

  it("refuses a new password shorter than 10 characters, naming the field", async () => {
    const user = await account();
    const res = await api<ErrorBody>("POST", "/api/auth/password", {
      auth: { session: user },
      body: { currentPassword: PASSWORD, newPassword: "short" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("newPassword");
  });
});
