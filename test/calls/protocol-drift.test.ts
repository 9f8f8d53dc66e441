import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { FakeTwilio, newCallSid, placeCall, simSessions, until, useScript } from "./support";

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** The JSON log lines of one event, as the Worker wrote them. */
function logLines(spy: { mock: { calls: unknown[][] } }, event: string): Record<string, unknown>[] {
  return spy.mock.calls
    .map((args) => (typeof args[0] === "string" ? args[0] : ""))
    .filter((line) => line.includes(`"event":"${event}"`))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("media stream: events that drift from the documented shape", () => {
  it("plays the agent's audio when the model's deltas lack response_id, and logs the drift once", async () => {
    const warn = vi.spyOn(console, "warn");
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      omitFields: ["response_id"],
      steps: [{ on: "response.create", do: [{ say: "Hello there!", audioMs: 600 }] }],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    const session = await until(async () => {
      const s = (await simSessions(apiKey))[0];
      return s && s.responses[0]?.status === "completed" ? s : null;
    });
    expect(session.deltas.length).toBeGreaterThan(1);
    await until(() => twilio.agentMedia().length >= session.deltas.length);
    expect(twilio.agentMedia().map((m) => m.payload)).toEqual(session.deltas.map((d) => d.payload));
    const drift = logLines(warn, "call.protocol_drift").filter(
      (l) => l["callSid"] === callSid && l["eventType"] === "response.output_audio.delta",
    );
    expect(drift).toEqual([
      expect.objectContaining({ protocol: "realtime", field: "response_id" }),
    ]);
    expect(
      logLines(warn, "call.model_event_skipped").filter((l) => l["callSid"] === callSid),
    ).toEqual([]);
    twilio.close();
  });

  it("relays the caller's audio when Twilio's media frames lack sequence numbers, and logs the drift once", async () => {
    const warn = vi.spyOn(console, "warn");
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [{ on: "response.create", do: [{ say: "Hi.", audioMs: 100 }] }],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    for (let i = 0; i < 5; i++) {
      twilio.sendOffSpec({
        event: "media",
        streamSid: twilio.streamSid,
        media: {
          track: "inbound",
          chunk: String(i + 1),
          timestamp: String(i * 20),
          payload: "f39/fw==",
        },
      });
    }
    const session = await until(async () => {
      const s = (await simSessions(apiKey))[0];
      return s && s.appendedAudioBytes >= 20 ? s : null;
    });
    expect(session.appendedAudioBytes).toBe(20);
    const drift = logLines(warn, "call.protocol_drift").filter((l) => l["callSid"] === callSid);
    expect(drift).toEqual([
      expect.objectContaining({ protocol: "twilio", eventType: "media", field: "sequenceNumber" }),
    ]);
    twilio.close();
  });
});
