/**
 * Database errors are logged by statement and cause, never with the values bound to them: a
 * failed query's parameters are caller names, phone numbers and emails.
 */
import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { platformDb } from "../../workers/db/handles";
import { users } from "../../workers/db/platform.schema";
import type { AppEnv } from "../../workers/http/app-env";
import { handleError } from "../../workers/http/errors";
import { requestContext } from "../../workers/http/request-context";
import { log } from "../../workers/observability/log";
import { captureLogEvents } from "../support/log-events";

const SECRET_NAME = "Jane Q. Secretcaller";
const SECRET_EMAIL = "jane.secretcaller@example.test";

/** An app whose one route hits a real D1 error: a second user with an id already taken. */
function appWithFailingInsert(): Hono<AppEnv> {
  return new Hono<AppEnv>()
    .use(requestContext)
    .onError(handleError)
    .post("/boom", async (c) => {
      const db = platformDb(c.env.PLATFORM_DB);
      const id = `usr_logtest_${crypto.randomUUID()}`;
      const row = { id, email: `${crypto.randomUUID()}@example.test`, displayName: "first" };
      await db.insert(users).values(row);
      await db.insert(users).values({ ...row, email: SECRET_EMAIL, displayName: SECRET_NAME });
      return c.json({ ok: true });
    });
}

describe("logs of database errors", () => {
  it("answer 500 and log the statement and cause of a failed query without its values", async () => {
    const logs = captureLogEvents();
    const res = await appWithFailingInsert().request("/boom", { method: "POST" }, env);
    expect(res.status).toBe(500);
    const [logged] = logs.events("request.unhandled_error", { path: "/boom" });
    expect(logged?.message).toMatch(/insert users/);
    expect(logged?.message).toMatch(/UNIQUE constraint failed/);
    const output = logs.text();
    expect(output).not.toContain(SECRET_NAME);
    expect(output).not.toContain(SECRET_EMAIL);
    expect(output).not.toContain("params");
  });

  it("do not carry a failed query's values even when a caller logs the raw message", async () => {
    const logs = captureLogEvents();
    const db = platformDb(env.PLATFORM_DB);
    const id = `usr_logtest_${crypto.randomUUID()}`;
    await db.insert(users).values({ id, email: `${crypto.randomUUID()}@example.test` });
    const failure = await db
      .insert(users)
      .values({ id, email: SECRET_EMAIL, displayName: SECRET_NAME })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    log("warn", "memory.embed_failed", {
      tenantId: "tnt_logtest",
      count: 1,
      message: failure instanceof Error ? failure.message : String(failure),
    });
    logs.expectEvent("memory.embed_failed", { tenantId: "tnt_logtest" });
    const output = logs.text();
    expect(output).not.toContain(SECRET_NAME);
    expect(output).not.toContain(SECRET_EMAIL);
  });
});
