import { beforeAll, describe, expect, it } from "vitest";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import { FakeTwilio, newCallSid, placeCall, simSessions, until, useScript } from "./support";

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});

describe("keypad (DTMF)", () => {
  it("gives the model the digits the caller keyed in, as the caller's text, and asks it to answer", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "Please key in your policy number.", audioMs: 200 }] },
        { on: "response.create", do: [{ say: "Thank you.", audioMs: 200 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.responses[0]?.status === "completed");
    for (const digit of ["4", "0", "7", "1", "#"]) twilio.dtmf(digit);
    const session = await until(async () => {
      const s = (await simSessions(apiKey))[0];
      return s?.responses[1]?.status === "completed" ? s : null;
    });
    expect(session.restoredMessages).toEqual([
      { role: "user", text: "[The caller typed on the keypad: 4071]" },
    ]);
    expect(session.errorsSent).toEqual([]);
    twilio.close();
  });
});
