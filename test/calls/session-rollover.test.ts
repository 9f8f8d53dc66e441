import { beforeAll, describe, expect, it } from "vitest";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import {
  FakeTwilio,
  FRAME_BYTES,
  newCallSid,
  placeCall,
  reachDeadline,
  simSessions,
  until,
  useScript,
} from "./support";

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});

describe("Realtime session-length cap", () => {
  it("rolls over to a fresh session with the conversation restored, losing no caller audio", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "Hello, how can I help?", audioMs: 200 }] },
        { on: "caller_audio_ms:100", do: [{ callerSays: "I need a quote", audioMs: 20 }] },
        { on: "response.create", do: [{ say: "Sure, for which car?", audioMs: 200 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    twilio.media(undefined, 10);
    await until(async () => (await simSessions(apiKey))[0]?.responses[1]?.status === "completed");
    await until(() => twilio.agentMedia().length >= 6);
    await new Promise((r) => setTimeout(r, 100)); // the last transcript is stored

    // The cap is reached while the caller keeps talking: frames before, during and after.
    twilio.media(undefined, 5);
    const rolled = reachDeadline(callSid, "rolloverAt");
    twilio.media(undefined, 5);
    await rolled;
    twilio.media(undefined, 5);

    const sessions = await until(async () => {
      const s = await simSessions(apiKey);
      const total = s.reduce((n, x) => n + x.appendedAudioBytes, 0);
      return s.length === 2 && total >= 25 * FRAME_BYTES ? s : null;
    });
    const [first, second] = sessions;
    expect(second?.events[0]?.type).toBe("session.update");
    expect(second?.restoredMessages).toEqual([
      { role: "assistant", text: "Hello, how can I help?" },
      { role: "user", text: "I need a quote" },
      { role: "assistant", text: "Sure, for which car?" },
    ]);
    // Every caller frame reached exactly one session; none was rejected.
    expect((first?.appendedAudioBytes ?? 0) + (second?.appendedAudioBytes ?? 0)).toBe(
      25 * FRAME_BYTES,
    );
    expect(second?.appendedAudioBytes).toBeGreaterThan(0);
    expect(second?.errorsSent).toEqual([]);
    // A silent swap: the new session is not asked to speak, and the old one is closed.
    expect(second?.events.some((e) => e.type === "response.create")).toBe(false);
    await until(async () => (await simSessions(apiKey))[0]?.closedAt);
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("waits while the agent is speaking, so a sentence is never cut", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [{ on: "response.create", do: [{ say: "A long greeting.", audioMs: 1000 }] }],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.autoEcho = false; // nothing has played yet
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.responses[0]?.status === "completed");
    await until(() => twilio.pendingMarks > 0);
    await reachDeadline(callSid, "rolloverAt");
    expect(await simSessions(apiKey)).toHaveLength(1);
    twilio.close();
  });
});
