import { beforeAll, describe, expect, it } from "vitest";
import { captureLogEvents } from "../support/log-events";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { FakeTwilio, newCallSid, placeCall, simSessions, until, useScript } from "./support";

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});

describe("media stream: events that drift from the documented shape", () => {
  it("plays the agent's audio when the model's deltas lack response_id, and logs the drift once", async () => {
    const logs = captureLogEvents();
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
    const drift = logs.events("call.protocol_drift", {
      callSid,
      eventType: "response.output_audio.delta",
    });
    expect(drift).toEqual([
      expect.objectContaining({ level: "warn", protocol: "realtime", field: "response_id" }),
    ]);
    expect(logs.events("call.model_event_skipped", { callSid })).toEqual([]);
    twilio.close();
  });

  it("relays the caller's audio when Twilio's media frames lack sequence numbers, and logs the drift once", async () => {
    const logs = captureLogEvents();
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
    expect(logs.events("call.protocol_drift", { callSid })).toEqual([
      expect.objectContaining({
        level: "warn",
        protocol: "twilio",
        eventType: "media",
        field: "sequenceNumber",
      }),
    ]);
    twilio.close();
  });
});
