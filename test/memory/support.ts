import { env } from "cloudflare:test";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";

export async function contextOf(tenantId: string): Promise<TenantContext> {
  const resolution = await resolveTenant(env, { kind: "queue", tenantId });
  if (!resolution.ok) throw new Error(`tenant ${tenantId}: ${resolution.reason}`);
  return resolution.ctx;
}

/** A fresh tenant (its own pool database) with an API key and a resolved context. */
export async function freshTenant(
  template = "insurance_v1",
): Promise<CreatedTenant & { ctx: TenantContext }> {
  const tenant = await createTenantWithKey(template);
  return { ...tenant, ctx: await contextOf(tenant.id) };
}

let n = 0;
/** A caller number no other test uses. */
export function uniquePhone(): string {
  n += 1;
  const digits = String((Date.now() % 100_000) * 100 + n + Math.floor(Math.random() * 40)).padStart(
    7,
    "0",
  );
  return `+1949${digits.slice(-7)}`;
}
