/**
 * What the tenant configured reaches the model on a real call: one call through the Twilio and
 * Realtime simulators, then the `session.update` and greeting the simulator received.
 */
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { AgentConfig, mergeAgentConfig } from "../../workers/agents/agent-config.schema";
import { PERSONALITY_SLIDERS } from "../../workers/agents/personality";
import type { SessionLog } from "../../tools/sim/realtime-server";
import type { RealtimeSessionConfig } from "../../durable-objects/call-session/protocol/realtime.schema";
import { api } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import { FakeTwilio, newCallSid, placeCall, simSessions, until, useScript } from "./support";

const tag = crypto.randomUUID().slice(0, 8);
const BUSINESS = `Harbor Homes ${tag}`;
const AGENT = `Rosalind ${tag}`;
const FACT = `Wants a three-bedroom house near Lake Forest ${tag}`;
const warmth = PERSONALITY_SLIDERS.find((s) => s.key === "warmth");
const patience = PERSONALITY_SLIDERS.find((s) => s.key === "patience");

let session: SessionLog;
let update: RealtimeSessionConfig;

beforeAll(async () => {
  const tenant = await createTenantWithKey("real_estate_v1", BUSINESS);
  // The agent settings as the admin app saves them (mergeAgentConfig, the PATCH route's rule);
  // written straight to the tenant row, since this file is about the call path, not the admin API.
  const row = await env.PLATFORM_DB.prepare("SELECT agent_config FROM tenants WHERE id = ?")
    .bind(tenant.id)
    .first<{ agent_config: string }>();
  const config = mergeAgentConfig(AgentConfig.parse(JSON.parse(row?.agent_config ?? "{}")), {
    agentName: AGENT,
    voice: "cedar",
    greeting: `Good day, {business_name} here, {agent_name} speaking. ${tag}`,
    personality: { warmth: 0, patience: 100 },
  });
  await env.PLATFORM_DB.prepare("UPDATE tenants SET agent_config = ? WHERE id = ?")
    .bind(JSON.stringify(config), tenant.id)
    .run();
  const caller = `+1949${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const stored = await api("POST", "/v1/memories", {
    auth: { apiKey: tenant.apiKey },
    body: { user_id: caller, type: "preference", key: "home_search", value: FACT },
  });
  if (stored.status !== 201) throw new Error(`memory: ${JSON.stringify(stored.body)}`);

  const apiKey = await useScript(tenant.id, {
    speed: 50,
    steps: [{ on: "response.create", do: [{ say: "Good day!", audioMs: 200 }] }],
  });
  const callSid = newCallSid();
  const { token } = await placeCall(tenant.phoneNumber, callSid, caller);
  const twilio = await FakeTwilio.connect(callSid);
  twilio.start(token);
  session = await until(async () => {
    const s = (await simSessions(apiKey))[0];
    return s && s.responses[0]?.status === "completed" ? s : null;
  });
  twilio.close();
  const first = session.sessionUpdates[0];
  if (!first) throw new Error("no session.update reached the model");
  update = first;
});

describe("the live call's persona, as the model receives it", () => {
  it("speaks in the tenant's chosen voice", () => {
    expect(update.audio?.output?.voice).toBe("cedar");
  });

  it("greets with the tenant's greeting, placeholders filled in", () => {
    expect(session.responseInstructions[0]).toContain(
      `Good day, ${BUSINESS} here, ${AGENT} speaking. ${tag}`,
    );
  });

  it("introduces itself by the tenant's agent and business name", () => {
    expect(update.instructions).toContain(
      `You are ${AGENT}, the AI phone receptionist for ${BUSINESS}`,
    );
  });

  it("turns sliders set to an extreme into their low and high behaviour", () => {
    expect(warmth && patience).toBeTruthy();
    expect(update.instructions).toContain(`- ${warmth?.low ?? "?"}`);
    expect(update.instructions).not.toContain(warmth?.high ?? "?");
    expect(update.instructions).toContain(`- ${patience?.high ?? "?"}`);
  });

  it("carries the industry template's guidance", () => {
    expect(update.instructions).toContain("You answer for a real-estate office.");
    expect(update.instructions).not.toContain("You answer for an independent insurance agency.");
  });

  it("knows what was saved about the caller", () => {
    expect(update.instructions).toContain("# What you know about this caller");
    expect(update.instructions).toContain(FACT);
  });

  it("offers every tool", () => {
    expect(update.tools?.map((t) => t.name).sort()).toEqual(
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
  });
});
