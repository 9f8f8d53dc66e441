/** Twilio accounts the REST simulator (test/setup/global-sims.ts) accepts. Constants only. */
export const PLATFORM_TWILIO = {
  accountSid: "ACtest00000000000000000000000000000",
  authToken: "test-twilio-auth-token",
};

/** A tenant's own (bring-your-own) Twilio account, for tests that check which account is used. */
export const TENANT_OWN_TWILIO = {
  accountSid: "ACtenant0000000000000000000000000001",
  authToken: "tenant-own-twilio-auth-token",
};
