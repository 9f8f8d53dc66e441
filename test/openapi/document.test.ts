import { describe, expect, it } from "vitest";
import { api } from "../support/api";

type OpenApi = {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: unknown; responses?: Record<string, unknown> }>
  >;
};

describe("GET /api/openapi.json", () => {
  it("documents the auth, platform, tenant-admin and memory APIs from their zod schemas", async () => {
    const res = await api<OpenApi>("GET", "/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1/);
    const paths = Object.keys(res.body.paths);
    for (const expected of [
      "/api/auth/login",
      "/api/platform/tenants",
      "/v1/memories",
      "/v2/context/enriched",
      "/memory/store",
    ]) {
      expect(paths).toContain(expected);
    }
    expect(paths.some((p) => p.startsWith("/api/tenants/{tenantId}/"))).toBe(true);
    expect(res.body.paths["/api/auth/login"]?.post?.requestBody).toBeDefined();
  });
});

describe("GET /api/openapi.json: the public routes outside /api", () => {
  it("documents health, the docs page, the Twilio webhooks and caller forgetting", async () => {
    const res = await api<OpenApi>("GET", "/api/openapi.json");
    const paths = res.body.paths;
    expect(paths["/health"]?.get).toBeDefined();
    expect(paths["/api/docs"]?.get).toBeDefined();
    for (const hook of ["/twilio/voice", "/twilio/continue", "/twilio/recording", "/twilio/status"])
      expect(paths[hook]?.post?.requestBody, hook).toMatchObject({
        content: { "application/x-www-form-urlencoded": {} },
      });
    expect(paths["/twilio/voice"]?.post?.responses?.["200"]).toMatchObject({
      content: { "text/xml": {} },
    });
    expect(paths["/twilio/sms-status"]?.post).toBeDefined();
    expect(paths["/twilio/media/{callSid}"]?.get?.responses?.["101"]).toBeDefined();
    expect(paths["/api/tenants/{tenantId}/callers/{phone}/forget"]?.post).toBeDefined();
    expect(paths["/caller/{phone}"]?.delete).toBeDefined();
  });
});

describe("GET /api/docs", () => {
  it("serves a self-contained page that renders the OpenAPI document", async () => {
    const res = await api<string>("GET", "/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.body).toContain("/api/openapi.json");
    expect(res.body).not.toMatch(/<script[^>]+src="https?:/);
  });
});
