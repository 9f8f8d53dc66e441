/**
 * Vitest globalSetup (runs in Node, once per run): starts the local simulators that tests in
 * the Workers pool reach over HTTP, and hands their URLs to tests with `inject(...)`.
 *
 * Shared by the live-calls work. Note to the call dev: add the Realtime simulator here (start
 * it, `provide("realtimeUrl", …)`, close it in the returned teardown) rather than a second setup
 * file, and declare the key in the `ProvidedContext` block below.
 *
 * - `twilioRestUrl`: tools/sim/twilio-rest.ts, accepting the accounts in
 *   test/support/twilio-accounts.ts (the platform's, as in vitest.config.ts, and a tenant's own).
 */
import type { TestProject } from "vitest/node";
import { startRealtimeSimulator } from "../../tools/sim/realtime-server";
import { startTwilioRestSimulator } from "../../tools/sim/twilio-rest";
import { PLATFORM_TWILIO, TENANT_OWN_TWILIO } from "../support/twilio-accounts";

declare module "vitest" {
  export interface ProvidedContext {
    twilioRestUrl: string;
    /** tools/sim/realtime-server.ts (ws://…/v1/realtime), with per-API-key scripts (`control`). */
    realtimeSimUrl: string;
    /** The same simulator's REST base (http://…/v1): OPENAI_BASE_URL and its `/__sim/` control. */
    realtimeSimHttpBaseUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const twilio = await startTwilioRestSimulator({
    accounts: {
      [PLATFORM_TWILIO.accountSid]: PLATFORM_TWILIO.authToken,
      [TENANT_OWN_TWILIO.accountSid]: TENANT_OWN_TWILIO.authToken,
    },
  });
  project.provide("twilioRestUrl", twilio.url);
  // One Realtime simulator for the run; each test registers a script for its tenant's own
  // OpenAI key (test/calls/support.ts), so tests running side by side never share a script.
  const realtime = await startRealtimeSimulator({
    port: 0,
    script: { steps: [] },
    control: true,
    logPayloads: true,
  });
  project.provide("realtimeSimUrl", realtime.url);
  project.provide("realtimeSimHttpBaseUrl", realtime.httpBaseUrl);
  return async () => {
    await twilio.close();
    await realtime.close();
  };
}
