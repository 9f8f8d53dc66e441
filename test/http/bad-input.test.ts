/**
 * No input gives a 500: a battery of malformed requests against every surface (JSON APIs,
 * Twilio webhooks, memory endpoints), each answered with a 4xx JSON error.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../workers/api-keys/api-keys";
import { platformDb } from "../../workers/db/handles";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import type { Auth } from "../support/api";

let keyAuth: Auth = { none: true };
let adminAuth: Auth = { none: true };

beforeAll(async () => {
  await seedDemoTenants();
  keyAuth = {
    apiKey: (
      await createApiKey(platformDb(env.PLATFORM_DB), "tnt_demo_peterson", "bad input", null)
    ).key,
  };
  adminAuth = { session: await loginAsPlatformAdmin() };
});

const garbageBodies = [
  "",
  "{",
  "null",
  "[]",
  '"text"',
  "42",
  '{"__proto__":{"x":1}}',
  "x".repeat(70_000),
];

const jsonEndpoints: { method: string; path: string; as: "key" | "admin" }[] = [
  { method: "POST", path: "/api/auth/login", as: "key" },
  { method: "POST", path: "/api/platform/tenants", as: "admin" },
  { method: "PATCH", path: "/api/platform/tenants/tnt_demo_smith", as: "admin" },
  { method: "POST", path: "/api/platform/tenants/tnt_demo_smith/api-keys", as: "admin" },
  { method: "POST", path: "/v1/memories", as: "key" },
  { method: "POST", path: "/memory/store", as: "key" },
  { method: "POST", path: "/memory/retrieve", as: "key" },
  { method: "POST", path: "/v2/process-call", as: "key" },
  { method: "PATCH", path: "/api/tenants/tnt_demo_peterson/agent", as: "admin" },
];

describe("malformed input", () => {
  for (const endpoint of jsonEndpoints) {
    it(`${endpoint.method} ${endpoint.path} answers every malformed body with a 4xx JSON error`, async () => {
      for (const rawBody of garbageBodies) {
        const res = await api<{ error?: { code: string; message: string } }>(
          endpoint.method,
          endpoint.path,
          {
            auth: endpoint.as === "key" ? keyAuth : adminAuth,
            rawBody,
          },
        );
        expect(
          res.status,
          `${rawBody.slice(0, 20)} → ${JSON.stringify(res.body).slice(0, 200)}`,
        ).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.error?.code).toBe("string");
      }
    });
  }

  it("answers malformed path parameters and query strings with a 4xx", async () => {
    const paths = [
      "/api/tenant/callers/%E0%A4%A",
      "/api/tenant/callers/%ZZ",
      "/caller/profile/%E0%A4%A",
      "/caller/profile/not-a-phone",
      "/v1/memories?user_id=%ZZ",
      "/v1/memories?user_id=abc&limit=-5",
      "/v2/context/enriched?user_id=+1999",
      "/api/tenant/callers?limit=99999999999999999999",
      "/api/tenants/%ZZ/callers",
    ];
    for (const path of paths) {
      const res = await api("GET", path, { auth: keyAuth });
      expect(
        res.status,
        `${path} → ${JSON.stringify(res.body).slice(0, 200)}`,
      ).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it("answers garbage Twilio webhooks with 403 and never a 500", async () => {
    for (const path of [
      "/twilio/voice",
      "/twilio/status",
      "/twilio/continue",
      "/twilio/recording",
      "/twilio/sms-status?tenant=x",
    ]) {
      for (const rawBody of ["", "%%%", "To=%ZZ", "a=".repeat(10_000)]) {
        const res = await api("POST", path, {
          rawBody,
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            "x-twilio-signature": "bm9wZQ==",
          },
        });
        expect(res.status, `${path} ${rawBody.slice(0, 10)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, path).toBeLessThan(500);
      }
    }
  });
});
