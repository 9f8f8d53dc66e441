import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "../support/api";
import { PASSWORD, memberOf, uniqueEmail } from "../admin/support";
import { seedDemoTenants } from "../support/api";

type ErrorBody = { error: { code: string; message: string } };

function attempt(email: string, password: string, ip?: string) {
  return api<ErrorBody>("POST", "/api/auth/login", {
    body: { email, password },
    headers: ip ? { "cf-connecting-ip": ip } : {},
  });
}

async function staffAccount() {
  await seedDemoTenants();
  return memberOf("tnt_demo_smith", "staff");
}

describe("login throttling", () => {
  it("throttles the 6th failed login for one account within 15 minutes with 429 and Retry-After", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++)
      expect((await attempt(user.email, "wrong password")).status).toBe(401);
    const sixth = await attempt(user.email, "wrong password");
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("too_many_attempts");
    expect(sixth.body.error.message).toMatch(/Try again in 1[45] minutes/);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it("refuses even the right password while the account is throttled", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong password");
    const res = await attempt(user.email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("lets the account log in again once the window has passed", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong password");
    const past = new Date(Date.now() - 16 * 60 * 1000).toISOString();
    await env.PLATFORM_DB.prepare(
      "UPDATE login_attempts SET window_started_at = ?, locked_until = ? WHERE key = ?",
    )
      .bind(past, past, `acct:${user.email}`)
      .run();
    expect((await attempt(user.email, PASSWORD)).status).toBe(200);
  });

  it("clears an account's failures after a successful login", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 4; i++) await attempt(user.email, "wrong password");
    expect((await attempt(user.email, PASSWORD)).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await attempt(user.email, "wrong password")).status).toBe(401);
  });

  it("throttles an address that guesses across many accounts", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    await env.PLATFORM_DB.prepare("DELETE FROM login_attempts WHERE key = ?")
      .bind(`ip:${ip}`)
      .run();
    for (let i = 0; i < 20; i++)
      expect((await attempt(uniqueEmail("guess"), "wrong password", ip)).status).toBe(401);
    const next = await attempt(uniqueEmail("guess"), "wrong password", ip);
    expect(next.status).toBe(429);
    // Another address is not affected.
    expect((await attempt(uniqueEmail("guess"), "wrong password", "198.51.100.7")).status).toBe(
      401,
    );
  });

  it("counts failures for unknown emails too, so probing for accounts is throttled", async () => {
    const email = uniqueEmail("nobody");
    for (let i = 0; i < 5; i++) await attempt(email, "whatever");
    expect((await attempt(email, "whatever")).status).toBe(429);
  });
});
