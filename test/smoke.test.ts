import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import twilio from "twilio";

describe("toolchain", () => {
  it("answers /health", async () => {
    const res = await SELF.fetch("https://x/health");
    expect(res.status).toBe(200);
  });
  it("has migrated databases", async () => {
    const row = await env.TENANT_SMITH.prepare("select count(*) as n from callers").first<{
      n: number;
    }>();
    expect(row?.n).toBe(0);
  });
  it("can compute twilio signatures", () => {
    const sig = twilio.getExpectedTwilioSignature("tok", "https://a/b", { A: "1" });
    expect(typeof sig).toBe("string");
  });
});
describe("test pool", () => {
  it("has extra pool databases", () => {
    expect(Object.keys(env).filter((k) => k.startsWith("TENANT_POOL_T")).length).toBe(40);
    expect(env.TENANT_PETERSON).toBeDefined();
  });
});
