import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api } from "../support/api";
import { PASSWORD, memberOf, uniqueEmail } from "../support/members";
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

/** Ends the current wait on every throttle record of this email, as if the time had passed. */
async function waitOut(email: string) {
  const past = new Date(Date.now() - 1000).toISOString();
  await env.PLATFORM_DB.prepare("UPDATE login_attempts SET locked_until = ? WHERE key LIKE ?")
    .bind(past, `%${email}%`)
    .run();
}

describe("login throttling", () => {
  it("makes the 6th failed login from one place for one account wait, with 429 and Retry-After", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++)
      expect((await attempt(user.email, "wrong password")).status).toBe(401);
    const sixth = await attempt(user.email, "wrong password");
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe("too_many_attempts");
    expect(sixth.body.error.message).toMatch(/Try again in \d+ seconds?/);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("refuses even the right password from that place while it waits", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong password");
    const res = await attempt(user.email, PASSWORD);
    expect(res.status).toBe(429);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("makes each further failure wait longer than the one before", async () => {
    const user = await staffAccount();
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong password");
    for (let round = 0; round < 4; round++) {
      const refused = await attempt(user.email, "wrong password");
      expect(refused.status).toBe(429);
      waits.push(Number(refused.headers.get("retry-after")));
      await waitOut(user.email);
      expect((await attempt(user.email, "wrong password")).status).toBe(401);
    }
    for (let i = 1; i < waits.length; i++)
      expect(waits[i]).toBeGreaterThan(waits[i - 1] ?? Number.POSITIVE_INFINITY);
  });

  it("never locks the owner out from another place, however often an attacker fails", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 30; i++) await attempt(user.email, "wrong password", "203.0.113.66");
    expect((await attempt(user.email, "wrong password", "203.0.113.66")).status).toBe(429);
    expect((await attempt(user.email, PASSWORD, "198.51.100.20")).status).toBe(200);
  });

  it("lets the login through once the wait is over", async () => {
    const user = await staffAccount();
    for (let i = 0; i < 5; i++) await attempt(user.email, "wrong password");
    await waitOut(user.email);
    expect((await attempt(user.email, PASSWORD)).status).toBe(200);
  });

  it("clears an account's failures from that place after a successful login", async () => {
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
