import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { sessionUpdate } from "../../durable-objects/call-session/protocol/realtime.schema";
import { SessionUpdateEvent } from "../../durable-objects/call-session/protocol/realtime.schema";
import type { ToolContext } from "../../durable-objects/call-session/tools";
import { TOOL_DEFINITIONS, runTool } from "../../durable-objects/call-session/tools";
import { findCallerByPhone, findOrCreateCaller } from "../../workers/callers/callers";
import { leads, memories, messages } from "../../workers/db/tenant.schema";
import { setTenantSecret } from "../../workers/secrets/tenant-secrets";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { seedDemoTenants } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import { unhandledRejectionsDuring } from "../support/unhandled";
import { PLATFORM_TWILIO, TENANT_OWN_TWILIO } from "../support/twilio-accounts";

const PETERSON = "tnt_demo_peterson"; // insurance_v1
const JOHNSON = "tnt_demo_johnson"; // real_estate_v1
const SEEDED_CALLER = "+19495550100";
const twilioRestUrl = inject("twilioRestUrl");

interface SimRequest {
  path: string;
  authAccountSid: string | null;
  authOk: boolean;
  form: Record<string, string>;
  status: number;
}

async function tenant(tenantId: string): Promise<TenantContext> {
  const resolved = await resolveTenant(env, { kind: "queue", tenantId });
  if (!resolved.ok) throw new Error(`cannot resolve ${tenantId}: ${resolved.reason}`);
  return resolved.ctx;
}

function hex(n: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(n / 2)), (b) =>
    b.toString(16).padStart(2, "0"),
  ).join("");
}

/** A caller number no other test uses, so tests never see each other's rows. */
function uniquePhone(): string {
  return `+1949${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
}

async function callOn(
  ctx: TenantContext,
  callerPhone = uniquePhone(),
  withRest = twilioRestUrl,
): Promise<ToolContext> {
  const caller = /^\+\d+$/.test(callerPhone) ? await findOrCreateCaller(ctx, callerPhone) : null;
  return {
    env: { ...env, TWILIO_API_BASE_URL: withRest },
    tenant: ctx,
    callSid: `CA${hex(32)}`,
    callerPhone,
    callerId: caller?.id ?? "clr_withheld",
    streamSid: `MZ${hex(32)}`,
  };
}

async function run(name: string, args: unknown, toolCtx: ToolContext) {
  const outcome = await runTool(
    name,
    typeof args === "string" ? args : JSON.stringify(args),
    toolCtx,
  );
  const result = JSON.parse(outcome.output) as Record<string, unknown> & { ok: boolean };
  return { outcome, result };
}

async function simRequests(callSid: string): Promise<SimRequest[]> {
  const res = await fetch(`${twilioRestUrl}/__sim/requests?callSid=${callSid}`);
  return (await res.json<{ requests: SimRequest[] }>()).requests;
}

function withTransferNumber(ctx: TenantContext, transferNumber: string | null): TenantContext {
  return { ...ctx, config: { ...ctx.config, transferNumber } };
}

beforeAll(async () => {
  await seedDemoTenants();
});

describe("TOOL_DEFINITIONS", () => {
  it("offers the eight call tools as Realtime function tools that session.update accepts", () => {
    expect(TOOL_DEFINITIONS.map((t) => t.name).sort()).toEqual(
      [
        "capture_lead",
        "end_call",
        "lookup_caller_profile",
        "remember_fact",
        "search_memory",
        "take_message",
        "transfer_to_human",
        "update_caller_profile",
      ].sort(),
    );
    for (const tool of TOOL_DEFINITIONS) {
      expect(tool.type).toBe("function");
      expect(tool.description.length).toBeGreaterThan(20);
      expect(tool.parameters).toMatchObject({ type: "object" });
      expect(tool.parameters).not.toHaveProperty("$schema");
    }
    const event = sessionUpdate({ instructions: "x", voice: "marin", tools: TOOL_DEFINITIONS });
    expect(SessionUpdateEvent.safeParse(event).success).toBe(true);
  });

  it("asks for confirmation of the number in capture_lead's arguments", () => {
    const lead = TOOL_DEFINITIONS.find((t) => t.name === "capture_lead");
    expect(lead?.parameters).toMatchObject({
      required: expect.arrayContaining(["name", "reason", "confirmed"]) as unknown,
    });
    expect(lead?.description).toMatch(/digit/);
  });
});

describe("runTool with bad input", () => {
  it("answers an unknown tool with ok:false naming the tools that exist", async () => {
    const { outcome, result } = await run("book_flight", {}, await callOn(await tenant(PETERSON)));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/unknown tool "book_flight".*capture_lead/);
    expect(outcome.effect).toBeUndefined();
  });

  it("answers arguments that are not JSON with ok:false instead of throwing", async () => {
    const { result } = await run(
      "search_memory",
      '{"query": ',
      await callOn(await tenant(PETERSON)),
    );
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not valid JSON/) as unknown,
    });
  });

  it("answers arguments that fail the tool's schema with the field and the reason", async () => {
    const { result } = await run(
      "take_message",
      { caller_name: "Ana", message: "call me", urgency: "whenever" },
      await callOn(await tenant(PETERSON)),
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/invalid arguments for take_message: urgency:/);
  });
});

describe("lookup_caller_profile", () => {
  it("returns a known caller's profile, bio and the profile's field names", async () => {
    const { result } = await run(
      "lookup_caller_profile",
      {},
      await callOn(await tenant(PETERSON), SEEDED_CALLER),
    );
    expect(result).toMatchObject({ ok: true, known: true });
    expect(typeof result.bio).toBe("string");
    expect(result.profile).toBeTypeOf("object");
    expect(JSON.stringify(result.profile_format)).toContain("first_name");
  });

  it("says so when the number never called before", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    // callOn creates the caller row as the call object does; a truly new number has none.
    const fresh = { ...toolCtx, callerPhone: uniquePhone() };
    const { result } = await run("lookup_caller_profile", {}, fresh);
    expect(result).toMatchObject({ ok: true, known: false });
  });

  it("refuses a withheld number with a reason", async () => {
    const { result } = await run(
      "lookup_caller_profile",
      {},
      await callOn(await tenant(PETERSON), "anonymous"),
    );
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/withheld/) as unknown,
    });
  });
});

describe("update_caller_profile", () => {
  it("stores the valid parts and sends the rejected parts back with path and reason", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result } = await run(
      "update_caller_profile",
      { patch: { first_name: "Ana", state: "California", shoe_size: 9 } },
      toolCtx,
    );
    expect(result.ok).toBe(true);
    expect(result.applied).toEqual(["first_name"]);
    expect(result.rejected).toEqual(
      expect.arrayContaining([
        { path: "state", reason: expect.stringMatching(/2 characters/) as unknown },
        { path: "shoe_size", reason: expect.stringMatching(/not a field/) as unknown },
      ]),
    );
    const stored = await findCallerByPhone(ctx, toolCtx.callerPhone);
    expect(stored?.firstName).toBe("Ana");
    expect(stored?.profile).not.toHaveProperty("state");
  });

  it("answers ok:false when every part is rejected, and stores nothing", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result } = await run("update_caller_profile", { patch: { zip: "nowhere" } }, toolCtx);
    expect(result).toMatchObject({
      ok: false,
      rejected: [{ path: "zip", reason: expect.stringMatching(/ZIP code/) as unknown }],
    });
    expect((await findCallerByPhone(ctx, toolCtx.callerPhone))?.profile).toEqual({});
  });
});

describe("remember_fact and search_memory", () => {
  it("remembers a fact about this caller, with the call as its source", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result } = await run(
      "remember_fact",
      { type: "vehicle", key: "car", value: "Drives a 2019 Toyota Camry" },
      toolCtx,
    );
    expect(result).toMatchObject({ ok: true, outcome: "added" });
    const rows = await ctx.db
      .select()
      .from(memories)
      .where(eq(memories.callerId, toolCtx.callerId));
    expect(rows).toEqual([
      expect.objectContaining({
        type: "vehicle",
        key: "car",
        value: "Drives a 2019 Toyota Camry",
        sourceCallSid: toolCtx.callSid,
        validTo: null,
      }),
    ]);
  });

  it("keeps the old value as history when the caller states a new one", async () => {
    const toolCtx = await callOn(await tenant(PETERSON));
    await run("remember_fact", { type: "vehicle", key: "car", value: "a Camry" }, toolCtx);
    const { result } = await run(
      "remember_fact",
      { type: "vehicle", key: "car", value: "replaced it with a RAV4" },
      toolCtx,
    );
    expect(result).toMatchObject({ ok: true, outcome: "superseded" });
  });

  it("rejects a memory type the business does not keep, naming the allowed ones", async () => {
    const { result } = await run(
      "remember_fact",
      { type: "horoscope", key: "sign", value: "Leo" },
      await callOn(await tenant(PETERSON)),
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/type:.*vehicle/);
  });

  it("finds what the caller said earlier", async () => {
    const toolCtx = await callOn(await tenant(PETERSON));
    await run(
      "remember_fact",
      { type: "preference", key: "contact_time", value: "Prefers calls after 5pm" },
      toolCtx,
    );
    const { result } = await run("search_memory", { query: "when to call" }, toolCtx);
    expect(result.ok).toBe(true);
    expect(result.results).toEqual([
      expect.objectContaining({
        key: "contact_time",
        value: "Prefers calls after 5pm",
        current: true,
      }),
    ]);
  });
});

describe("capture_lead", () => {
  it("stores nothing until confirmed, and gives the digits to read back", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result } = await run(
      "capture_lead",
      { name: "Ana Ruiz", phone: "(714) 555-0199", reason: "home quote", confirmed: false },
      toolCtx,
    );
    expect(result).toMatchObject({
      ok: true,
      stored: false,
      phone: "+17145550199",
      read_back: "seven one four, five five five, zero one nine nine",
    });
    expect(result.next).toMatch(/digit by digit.*confirmed=true/);
    const rows = await ctx.db.select().from(leads).where(eq(leads.callSid, toolCtx.callSid));
    expect(rows).toHaveLength(0);
  });

  it("stores the lead, from the call, once the caller confirmed the number", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const phone = uniquePhone();
    const { result, outcome } = await run(
      "capture_lead",
      { name: "Ana Ruiz", phone, reason: "home quote", confirmed: true },
      toolCtx,
    );
    expect(result).toMatchObject({ ok: true, stored: true, created: true, phone });
    expect(outcome.effect).toBeUndefined();
    const [lead] = await ctx.db.select().from(leads).where(eq(leads.phone, phone));
    expect(lead).toMatchObject({
      name: "Ana Ruiz",
      reason: "home quote",
      source: "call",
      stage: "new",
      callSid: toolCtx.callSid,
      callerId: toolCtx.callerId,
    });
  });

  it("uses the calling number when the caller gives none, still to be read back", async () => {
    const toolCtx = await callOn(await tenant(PETERSON), "+13105550123");
    const { result } = await run(
      "capture_lead",
      { name: "Bo", reason: "auto quote", confirmed: false },
      toolCtx,
    );
    expect(result).toMatchObject({
      stored: false,
      phone: "+13105550123",
      read_back: "three one zero, five five five, zero one two three",
    });
  });

  it("asks for the number again when it is incomplete", async () => {
    const { result } = await run(
      "capture_lead",
      { name: "Bo", phone: "555-01", reason: "auto quote", confirmed: true },
      await callOn(await tenant(PETERSON)),
    );
    expect(result).toMatchObject({
      ok: false,
      error: expect.stringMatching(/area code/) as unknown,
    });
  });
});

describe("take_message", () => {
  it("stores the message in the tenant's inbox and reports message_taken", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result, outcome } = await run(
      "take_message",
      {
        caller_name: "Ana Ruiz",
        callback_number: "714 555 0142",
        message: "Please call me about my renewal",
        urgency: "high",
      },
      toolCtx,
    );
    expect(result).toMatchObject({ ok: true, callback_number: "+17145550142", urgency: "high" });
    expect(outcome.effect).toEqual({ kind: "message_taken" });
    const [row] = await ctx.db.select().from(messages).where(eq(messages.callSid, toolCtx.callSid));
    expect(row).toMatchObject({
      callerName: "Ana Ruiz",
      callbackNumber: "+17145550142",
      body: "Please call me about my renewal",
      urgency: "high",
      status: "new",
      callerId: toolCtx.callerId,
    });
  });

  it("defaults to normal urgency and the calling number", async () => {
    const ctx = await tenant(PETERSON);
    const toolCtx = await callOn(ctx);
    const { result } = await run(
      "take_message",
      { caller_name: "Bo", message: "call back please" },
      toolCtx,
    );
    expect(result).toMatchObject({
      ok: true,
      callback_number: toolCtx.callerPhone,
      urgency: "normal",
    });
  });
});

describe("transfer_to_human", () => {
  it("without a transfer number, tells the model to offer a message and calls nobody", async () => {
    const toolCtx = await callOn(withTransferNumber(await tenant(PETERSON), null));
    const { result, outcome } = await run(
      "transfer_to_human",
      { reason: "wants an agent" },
      toolCtx,
    );
    expect(result).toMatchObject({ ok: false, transferred: false });
    expect(result.next).toMatch(/take_message/);
    expect(outcome.effect).toBeUndefined();
    expect(await simRequests(toolCtx.callSid)).toHaveLength(0);
  });

  it("redirects the live call to /twilio/continue with the platform's Twilio account", async () => {
    const toolCtx = await callOn(withTransferNumber(await tenant(PETERSON), "+17145550111"));
    const { result, outcome } = await run("transfer_to_human", { reason: "claim" }, toolCtx);
    expect(result).toMatchObject({ ok: true, transferred: true });
    expect(outcome.effect).toEqual({ kind: "transfer", to: "+17145550111" });
    const requests = await simRequests(toolCtx.callSid);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      path: `/2010-04-01/Accounts/${PLATFORM_TWILIO.accountSid}/Calls/${toolCtx.callSid}.json`,
      authAccountSid: PLATFORM_TWILIO.accountSid,
      authOk: true,
      status: 200,
      form: { Url: `${env.PUBLIC_BASE_URL}/twilio/continue`, Method: "POST" },
    });
  });

  it("uses the tenant's own Twilio account when the tenant set one", async () => {
    const created = await createTenantWithKey("insurance_v1", "Own Twilio Agency");
    await setTenantSecret(env, created.id, "twilio_account_sid", TENANT_OWN_TWILIO.accountSid);
    await setTenantSecret(env, created.id, "twilio_auth_token", TENANT_OWN_TWILIO.authToken);
    const toolCtx = await callOn(withTransferNumber(await tenant(created.id), "+17145550111"));
    const { result } = await run("transfer_to_human", { reason: "claim" }, toolCtx);
    expect(result.ok).toBe(true);
    const [request] = await simRequests(toolCtx.callSid);
    expect(request).toMatchObject({ authAccountSid: TENANT_OWN_TWILIO.accountSid, authOk: true });
  });

  it("when Twilio refuses the redirect, tells the model to offer a message instead", async () => {
    const toolCtx = await callOn(withTransferNumber(await tenant(PETERSON), "+17145550111"));
    await fetch(`${twilioRestUrl}/__sim/end-call`, {
      method: "POST",
      body: JSON.stringify({ callSid: toolCtx.callSid }),
    });
    const { result, outcome } = await run("transfer_to_human", { reason: "claim" }, toolCtx);
    expect(result).toMatchObject({ ok: false, transferred: false });
    expect(result.next).toMatch(/take_message/);
    expect(outcome.effect).toBeUndefined();
    expect((await simRequests(toolCtx.callSid))[0]?.status).toBe(400);
  });

  it("when Twilio's host cannot be reached, tells the model to offer a message instead", async () => {
    const toolCtx = await callOn(
      withTransferNumber(await tenant(PETERSON), "+17145550111"),
      uniquePhone(),
      "http://no-such-host.invalid",
    );
    const { result: ran, unhandled } = await unhandledRejectionsDuring(() =>
      run("transfer_to_human", { reason: "claim" }, toolCtx),
    );
    expect(ran.result).toMatchObject({ ok: false, transferred: false });
    expect(ran.result.next).toMatch(/take_message/);
    expect(ran.outcome.effect).toBeUndefined();
    expect(unhandled).toEqual([]);
  });
});

describe("end_call", () => {
  it("asks the call object to hang up after the goodbye", async () => {
    const { result, outcome } = await run(
      "end_call",
      { reason: "caller said goodbye" },
      await callOn(await tenant(PETERSON)),
    );
    expect(result).toMatchObject({ ok: true });
    expect(outcome.effect).toEqual({ kind: "hangup" });
  });
});

describe("tenant isolation", () => {
  it("the same phone calling two businesses: each tool acts on its own tenant only", async () => {
    const peterson = await tenant(PETERSON);
    const johnson = await tenant(JOHNSON);
    const phone = uniquePhone();
    const onPeterson = await callOn(peterson, phone);
    await run("update_caller_profile", { patch: { first_name: "Ana" } }, onPeterson);
    await run("capture_lead", { name: "Ana", reason: "auto quote", confirmed: true }, onPeterson);
    await run("take_message", { caller_name: "Ana", message: "call me" }, onPeterson);
    await run(
      "remember_fact",
      { type: "fact", key: "pet", value: "Has a dog named Rex" },
      onPeterson,
    );

    expect((await findCallerByPhone(peterson, phone))?.firstName).toBe("Ana");
    expect(await findCallerByPhone(johnson, phone)).toBeNull();
    expect(await johnson.db.select().from(leads).where(eq(leads.phone, phone))).toHaveLength(0);
    expect(
      await johnson.db.select().from(messages).where(eq(messages.callbackNumber, phone)),
    ).toHaveLength(0);

    const onJohnson = await callOn(johnson, phone);
    const { result } = await run("lookup_caller_profile", {}, onJohnson);
    expect(result).toMatchObject({ ok: true, known: true, first_name: null });
    const search = await run("search_memory", { query: "dog Rex" }, onJohnson);
    expect(search.result).toMatchObject({ ok: true, results: [] });
    const own = await run("search_memory", { query: "dog Rex" }, onPeterson);
    expect(own.result.results).toHaveLength(1);
  });
});
