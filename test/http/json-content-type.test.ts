/**
 * JSON endpoints take only `application/json` bodies. A cross-site HTML form can send
 * `text/plain` (even `text/plain; application/json`), urlencoded or multipart bodies without a
 * CORS preflight, so accepting those would let another site post to us in a user's name.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, loginAsPlatformAdmin, seedDemoTenants } from "../support/api";
import type { Session } from "../support/api";
import { createTenantWithKey } from "../support/tenants";

type ErrorBody = { error: { code: string; message: string } };

let admin: Session;
let apiKey = "";
beforeAll(async () => {
  await seedDemoTenants();
  admin = await loginAsPlatformAdmin();
  apiKey = (await createTenantWithKey("insurance_v1", "Content Type Agency")).apiKey;
});

const formTypes = [
  "text/plain; application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json-seq",
];

describe("JSON endpoints", () => {
  for (const contentType of formTypes) {
    it(`answer 415 to a login sent as ${contentType}, setting no session`, async () => {
      const res = await api<ErrorBody>("POST", "/api/auth/login", {
        rawBody: JSON.stringify({
          email: "root@platform.test",
          password: "correct horse battery staple",
        }),
        headers: { "content-type": contentType },
      });
      expect(res.status).toBe(415);
      expect(res.body.error.code).toBe("unsupported_media_type");
      expect(res.headers.get("set-cookie")).toBeNull();
    });
  }

  it("answer 415 to a session-authenticated admin write sent as text/plain; application/json", async () => {
    const res = await api<ErrorBody>("PATCH", "/api/platform/tenants/tnt_demo_smith", {
      auth: { session: admin },
      rawBody: JSON.stringify({ businessName: "Renamed by a form" }),
      headers: { "content-type": "text/plain; application/json" },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it("answer 415 to a memory write sent as text/plain; application/json", async () => {
    const res = await api<ErrorBody>("POST", "/memory/retrieve", {
      auth: { apiKey },
      rawBody: JSON.stringify({ query: "anything" }),
      headers: { "content-type": "text/plain; application/json" },
    });
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("unsupported_media_type");
  });

  it("accept application/json with a charset parameter", async () => {
    const res = await api("POST", "/api/auth/login", {
      rawBody: JSON.stringify({
        email: "root@platform.test",
        password: "correct horse battery staple",
      }),
      headers: { "content-type": "Application/JSON; charset=utf-8" },
    });
    expect(res.status).toBe(200);
  });
});
