import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey, needsTouch } from "../../workers/api-keys/api-keys";
import { platformDb } from "../../workers/db/handles";
import { api, seedDemoTenants } from "../support/api";

async function lastUsed(prefix: string): Promise<string | null> {
  const row = await env.PLATFORM_DB.prepare("SELECT last_used_at FROM api_keys WHERE prefix = ?")
    .bind(prefix)
    .first<{ last_used_at: string | null }>();
  return row?.last_used_at ?? null;
}

beforeAll(async () => {
  await seedDemoTenants();
});

describe("an API key's 'last used' time", () => {
  it("is recorded when the key is first used", async () => {
    const key = await createApiKey(
      platformDb(env.PLATFORM_DB),
      "tnt_demo_smith",
      "last used",
      null,
    );
    expect(await lastUsed(key.prefix)).toBeNull();
    await api("GET", "/api/tenant", { auth: { apiKey: key.key } });
    await new Promise((r) => setTimeout(r, 50));
    expect(await lastUsed(key.prefix)).not.toBeNull();
  });

  it("is refreshed at most once a minute, not written on every request", () => {
    const now = Date.parse("2026-11-29T10:00:00Z");
    expect(needsTouch(null, now)).toBe(true);
    expect(needsTouch("2026-11-29T09:59:30Z", now)).toBe(false);
    expect(needsTouch("2026-11-29T09:58:59Z", now)).toBe(true);
  });
});
