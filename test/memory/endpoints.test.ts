import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../../workers/api-keys/api-keys";
import { platformDb } from "../../workers/db/handles";
import { SHARED_CALLER_PHONE } from "../../workers/seed/demo-data";
import { memberOf } from "../support/members";
import { api, seedDemoTenants } from "../support/api";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "./support";

/** The fields of the memory endpoints' answers these tests read (each endpoint sends a subset). */
interface Json {
  customer_id?: string;
  user_id?: string;
  outcome?: string;
  count?: number;
  known?: boolean;
  error?: { code?: string; message: string };
  profile?: { applied: string[]; rejected: { path: string; reason: string }[] };
  results?: { value: string }[];
  context?: { known: boolean };
  prompt?: string;
  call_sid?: string;
  result?: Record<string, unknown>;
  receipt?: { known: boolean; erased: Record<string, number> };
  openapi?: string;
  paths?: Record<string, unknown>;
}
let key = "";
let tenantId = "";
let tenantNumber = "";
let tenantCtx: TenantContext;

beforeAll(async () => {
  const t = await freshTenant();
  key = t.apiKey;
  tenantId = t.id;
  tenantNumber = t.phoneNumber;
  tenantCtx = t.ctx;
});

const as = () => ({ auth: { apiKey: key } });

describe("memory endpoints", () => {
  it("stores with POST /v1/memories and lists with GET /v1/memories, carrying customer_id and user_id", async () => {
    const phone = uniquePhone();
    const created = await api<Json>("POST", "/v1/memories", {
      ...as(),
      body: {
        user_id: phone.slice(2),
        type: "vehicle",
        key: "car",
        value: "Drives a 2012 Toyota Camry",
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ customer_id: tenantId, user_id: phone, outcome: "added" });
    const listed = await api<Json>(
      "GET",
      `/v1/memories?user_id=${encodeURIComponent(phone)}`,
      as(),
    );
    expect(listed.body).toMatchObject({ customer_id: tenantId, user_id: phone, count: 1 });
  });

  it("answers 403 when customer_id names another tenant", async () => {
    const res = await api<Json>("GET", `/v1/memories?customer_id=tnt_demo_smith`, as());
    expect(res.status).toBe(403);
  });

  it("answers 403 when the query of a POST names another tenant, and stores nothing", async () => {
    const phone = uniquePhone();
    const res = await api<Json>("POST", "/v1/memories?customer_id=tnt_demo_smith", {
      ...as(),
      body: { user_id: phone, type: "note", key: "k", value: "v", customer_id: tenantId },
    });
    expect(res.status).toBe(403);
    const listed = await api<Json>(
      "GET",
      `/v1/memories?user_id=${encodeURIComponent(phone)}`,
      as(),
    );
    expect(listed.body.count).toBe(0);
  });

  it("answers 403 when any one of repeated customer_id parameters names another tenant", async () => {
    const res = await api<Json>(
      "GET",
      `/v1/memories?customer_id=${tenantId}&customer_id=tnt_demo_smith`,
      as(),
    );
    expect(res.status).toBe(403);
    const store = await api<Json>(
      "POST",
      `/memory/store?customer_id=${tenantId}&customer_id=tnt_demo_smith`,
      { ...as(), body: { user_id: uniquePhone(), content: "v" } },
    );
    expect(store.status).toBe(403);
  });

  it("refuses an all-invalid profile patch for a new caller without creating the caller", async () => {
    const phone = uniquePhone();
    const res = await api<Json>("POST", "/memory/store", {
      ...as(),
      body: { user_id: phone, profile: { no_such_field: 1 } },
    });
    expect(res.status).toBe(422);
    const profile = await api<Json>("GET", `/caller/profile/${encodeURIComponent(phone)}`, as());
    expect(profile.body.known).toBe(false);
  });

  it("answers 401 without an API key", async () => {
    expect((await api("GET", "/v1/memories")).status).toBe(401);
  });

  it("names the problem for a bad phone, an unknown type and an oversized value", async () => {
    const badPhone = await api<Json>("POST", "/v1/memories", {
      ...as(),
      body: { user_id: "call me", type: "fact", key: "k", value: "v" },
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.error?.message).toContain("user_id");
    const badType = await api<Json>("POST", "/v1/memories", {
      ...as(),
      body: { user_id: uniquePhone(), type: "horoscope", key: "k", value: "v" },
    });
    expect(badType.status).toBe(400);
    expect(badType.body.error?.message).toContain("type");
    const big = await api<Json>("POST", "/memory/store", {
      ...as(),
      body: { user_id: uniquePhone(), content: "x".repeat(2001) },
    });
    expect(big.status).toBe(400);
    expect(big.body.error?.message).toContain("2000");
    const badPath = await api<Json>("GET", "/caller/profile/not-a-number", as());
    expect(badPath.status).toBe(400);
  });

  it("answers an unknown caller with an empty profile, not a 404", async () => {
    const phone = uniquePhone();
    const res = await api<Json>("GET", `/caller/profile/${encodeURIComponent(phone)}`, as());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customer_id: tenantId,
      user_id: phone,
      known: false,
      profile: {},
    });
  });

  it("applies a profile patch through /memory/store and rejects its invalid parts with their paths", async () => {
    const phone = uniquePhone();
    const res = await api<Json>("POST", "/memory/store", {
      ...as(),
      body: {
        user_id: phone,
        content: "Mentioned a new puppy",
        profile: { first_name: "Ana", no_such_field: 1 },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.profile?.applied).toContain("first_name");
    expect(res.body.profile?.rejected[0]?.path).toBe("no_such_field");
    const profile = await api<Json>("GET", `/caller/profile/${encodeURIComponent(phone)}`, as());
    expect(profile.body).toMatchObject({ known: true, first_name: "Ana" });
    const allBad = await api<Json>("POST", "/memory/store", {
      ...as(),
      body: { user_id: phone, profile: { no_such_field: 1 } },
    });
    expect(allBad.status).toBe(422);
    expect(allBad.body.error?.message).toContain("no_such_field");
  });

  it("retrieves with hybrid search and builds the enriched context", async () => {
    const phone = uniquePhone();
    await api("POST", "/memory/store", {
      ...as(),
      body: {
        user_id: phone,
        type: "preference",
        key: "contact_time",
        content: "Prefers text messages over calls",
      },
    });
    const found = await api<Json>("POST", "/memory/retrieve", {
      ...as(),
      body: { user_id: phone, query: "prefer texting" },
    });
    expect(found.status).toBe(200);
    expect(found.body.results?.[0]?.value).toBe("Prefers text messages over calls");
    const context = await api<Json>(
      "GET",
      `/v2/context/enriched?user_id=${encodeURIComponent(phone)}`,
      as(),
    );
    expect(context.body.context?.known).toBe(true);
    expect(context.body.prompt).toContain("Prefers text messages over calls");
  });

  it("processes an ingested transcript with POST /v2/process-call (no LLM: extractive, pending)", async () => {
    const phone = uniquePhone();
    const res = await api<Json>("POST", "/v2/process-call", {
      ...as(),
      body: {
        user_id: phone,
        transcript: [
          { speaker: "agent", text: "Thanks for calling, how can I help?" },
          {
            speaker: "caller",
            text: "I want to add my son to my auto policy. He just turned sixteen.",
          },
          { speaker: "agent", text: "I will send you a quote tomorrow." },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.result).toMatchObject({ status: "pending_llm", summaryMethod: "extractive" });
    const again = await api<Json>("POST", "/v2/process-call", {
      ...as(),
      body: { call_sid: res.body.call_sid },
    });
    const call = await tenantCtx.d1
      .prepare("SELECT from_number, to_number FROM calls WHERE call_sid = ?")
      .bind(res.body.call_sid ?? "")
      .first<{ from_number: string; to_number: string }>();
    expect(call).toEqual({ from_number: phone, to_number: tenantNumber });
    expect(again.body.result).toMatchObject({ status: "pending_llm", unchanged: true });
    const missing = await api<Json>("POST", "/v2/process-call", {
      ...as(),
      body: { call_sid: "CA00000000000000000000000000000000" },
    });
    expect(missing.status).toBe(404);
  });

  it("records an ingested call against the number it names, and refuses a number the tenant does not own", async () => {
    const transcript = [{ speaker: "caller", text: "Just checking my renewal date." }];
    const named = await api<Json>("POST", "/v2/process-call", {
      ...as(),
      body: { user_id: uniquePhone(), to_number: tenantNumber, transcript },
    });
    expect(named.status).toBe(200);
    const foreign = await api<Json>("POST", "/v2/process-call", {
      ...as(),
      body: { user_id: uniquePhone(), to_number: "+19990000000", transcript },
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error?.message).toContain("to_number");
  });

  it("names an unknown memory type in every body and query that takes one", async () => {
    const phone = uniquePhone();
    const store = await api<Json>("POST", "/memory/store", {
      ...as(),
      body: { user_id: phone, type: "horoscope", content: "Is a Leo" },
    });
    expect(store.status).toBe(400);
    expect(store.body.error?.message).toContain("type");
    const retrieve = await api<Json>("POST", "/memory/retrieve", {
      ...as(),
      body: { query: "leo", types: ["horoscope"] },
    });
    expect(retrieve.status).toBe(400);
    expect(retrieve.body.error?.message).toContain("types");
    const list = await api<Json>("GET", "/v1/memories?type=horoscope", as());
    expect(list.status).toBe(400);
    expect(list.body.error?.message).toContain("horoscope");
  });

  it("forgets a caller: receipt with counts, nothing searchable after", async () => {
    const phone = uniquePhone();
    await api("POST", "/v1/memories", {
      ...as(),
      body: { user_id: phone, type: "fact", key: "pet", value: "Has a parrot called Kiwi" },
    });
    await api("POST", "/v1/memories", {
      ...as(),
      body: { user_id: phone, type: "fact", key: "pet", value: "Has a parrot called Mango" },
    });
    const res = await api<Json>("DELETE", `/caller/${encodeURIComponent(phone)}`, as());
    expect(res.status).toBe(200);
    expect(res.body.receipt).toMatchObject({
      known: true,
      erased: { caller: 1, memories: 2, vectors: 2 },
    });
    const search = await api<Json>("POST", "/memory/retrieve", {
      ...as(),
      body: { query: "parrot Kiwi Mango" },
    });
    expect(search.body.results).toEqual([]);
    const profile = await api<Json>("GET", `/caller/profile/${encodeURIComponent(phone)}`, as());
    expect(profile.body.known).toBe(false);
    const again = await api<Json>("POST", "/v2/forget", { ...as(), body: { user_id: phone } });
    expect(again.body.receipt).toMatchObject({ known: false, erased: { memories: 0 } });
  });

  it("forgets through the tenant-admin route too", async () => {
    const phone = uniquePhone();
    await api("POST", "/v1/memories", {
      ...as(),
      body: { user_id: phone, type: "note", key: "n", value: "Likes jazz" },
    });
    const res = await api<Json>(
      "POST",
      `/api/tenants/${tenantId}/callers/${encodeURIComponent(phone)}/forget`,
      as(),
    );
    expect(res.status).toBe(200);
    expect(res.body.receipt?.erased.memories).toBe(1);
  });

  it("refuses staff on the tenant-admin forget route before reading the phone; keys may forget", async () => {
    const staff = await memberOf(tenantId, "staff");
    const refused = await api<Json>("POST", `/api/tenants/${tenantId}/callers/not-a-phone/forget`, {
      auth: { session: staff },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe("forbidden");
    const viaKey = await api<Json>(
      "POST",
      `/api/tenant/callers/${encodeURIComponent(uniquePhone())}/forget`,
      as(),
    );
    expect(viaKey.status).toBe(200);
    expect(viaKey.body.receipt?.known).toBe(false);
  });

  it("lists the memory endpoints in the OpenAPI document", async () => {
    const doc = await api<Json>("GET", "/api/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    for (const path of [
      "/v1/memories",
      "/v2/context/enriched",
      "/v2/process-call",
      "/caller/profile/{phone}",
      "/memory/store",
      "/memory/retrieve",
    ])
      expect(Object.keys(doc.body.paths ?? {})).toContain(path);
  });
});

describe("isolation: the same phone in three tenants", () => {
  const TENANTS = ["tnt_demo_peterson", "tnt_demo_smith", "tnt_demo_johnson"] as const;
  const keys: Record<string, string> = {};
  beforeAll(async () => {
    await seedDemoTenants();
    for (const id of TENANTS)
      keys[id] = (
        await createApiKey(platformDb(env.PLATFORM_DB), id, "memory isolation", null)
      ).key;
    for (const id of TENANTS)
      await api("POST", "/v1/memories", {
        auth: { apiKey: keys[id] ?? "" },
        body: {
          user_id: SHARED_CALLER_PHONE,
          type: "note",
          key: "secret_word",
          value: `The secret word at ${id} is ${id.slice(9)}word`,
        },
      });
  });
  const phone = encodeURIComponent(SHARED_CALLER_PHONE);

  it("shows each tenant only its own caller on every endpoint", async () => {
    for (const id of TENANTS) {
      const auth = { auth: { apiKey: keys[id] ?? "" } };
      const others = TENANTS.filter((t) => t !== id).map((t) => t.slice(9));
      const bodies = [
        (await api<Json>("GET", `/v1/memories?user_id=${phone}`, auth)).body,
        (await api<Json>("GET", `/v1/memories`, auth)).body,
        (
          await api<Json>("POST", "/memory/retrieve", {
            ...auth,
            body: { user_id: SHARED_CALLER_PHONE, query: "secret word" },
          })
        ).body,
        (
          await api<Json>("POST", "/memory/retrieve", {
            ...auth,
            body: {
              query: `secret word ${others.join(" ")} ${others.map((o) => `${o}word`).join(" ")}`,
            },
          })
        ).body,
        (await api<Json>("GET", `/v2/context/enriched?user_id=${phone}`, auth)).body,
        (await api<Json>("GET", `/caller/profile/${phone}`, auth)).body,
      ];
      for (const body of bodies) {
        expect(body.customer_id).toBe(id);
        // The search answer echoes the query (which names the other tenants' words): check the rest.
        const text = JSON.stringify({ ...body, query: undefined });
        for (const o of others) expect(text).not.toContain(`${o}word`);
      }
      const retrieved = bodies[2] as Json;
      expect(retrieved.results?.[0]?.value).toContain(`${id.slice(9)}word`);
    }
  });

  it("refuses another tenant's customer_id on every endpoint", async () => {
    const auth = { auth: { apiKey: keys.tnt_demo_peterson ?? "" } };
    const c = "customer_id=tnt_demo_smith";
    expect((await api("GET", `/v1/memories?${c}`, auth)).status).toBe(403);
    expect((await api("GET", `/v2/context/enriched?user_id=${phone}&${c}`, auth)).status).toBe(403);
    expect((await api("GET", `/caller/profile/${phone}?${c}`, auth)).status).toBe(403);
    for (const [path, body] of [
      ["/v1/memories", { user_id: SHARED_CALLER_PHONE, type: "note", key: "k", value: "v" }],
      ["/memory/store", { user_id: SHARED_CALLER_PHONE, content: "v" }],
      ["/memory/retrieve", { query: "secret" }],
      ["/v2/process-call", { call_sid: "CA00000000000000000000000000000001" }],
      ["/v2/forget", { user_id: SHARED_CALLER_PHONE }],
    ] as const)
      expect(
        (await api("POST", path, { ...auth, body: { ...body, customer_id: "tnt_demo_smith" } }))
          .status,
      ).toBe(403);
  });
});
