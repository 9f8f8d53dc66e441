import { env } from "cloudflare:test";
import { setTenantSecret } from "../../workers/secrets/tenant-secrets";
import { api, loginAsPlatformAdmin, uniqueTenantInput } from "./api";
import type { Session } from "./api";
import { TENANT_OWN_TWILIO } from "./twilio-accounts";

export interface CreatedTenant {
  id: string;
  slug: string;
  phoneNumber: string;
  apiKey: string;
  admin: Session;
}

/** A fresh tenant on a pool database, with an API key, made through the platform API. */
export async function createTenantWithKey(
  template = "insurance_v1",
  businessName = "Test Agency",
): Promise<CreatedTenant> {
  const admin = await loginAsPlatformAdmin();
  const input = uniqueTenantInput();
  const created = await api<{ tenant: { id: string } }>("POST", "/api/platform/tenants", {
    auth: { session: admin },
    body: { ...input, businessName, template },
  });
  if (created.status !== 201)
    throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const key = await api<{ apiKey: { key: string } }>(
    "POST",
    `/api/platform/tenants/${created.body.tenant.id}/api-keys`,
    {
      auth: { session: admin },
      body: { name: "test" },
    },
  );
  return { id: created.body.tenant.id, ...input, apiKey: key.body.apiKey.key, admin };
}

/** A tenant whose own Twilio account (TENANT_OWN_TWILIO) signs the webhooks for its number. */
export async function createTenantWithOwnTwilio(): Promise<CreatedTenant> {
  const tenant = await createTenantWithKey();
  await setTenantSecret(env, tenant.id, "twilio_account_sid", TENANT_OWN_TWILIO.accountSid);
  await setTenantSecret(env, tenant.id, "twilio_auth_token", TENANT_OWN_TWILIO.authToken);
  return tenant;
}
