/**
 * The only door to tenant data. A TenantContext is built here and only from a proof of
 * authentication: a Twilio-signed webhook's dialled number, a tenant API key, a logged-in
 * user's membership, or a verified call token. Nothing resolves a tenant from a request body.
 */
import { and, eq } from "drizzle-orm";
import type { AgentConfig } from "../agents/agent-config.schema";
import type { UserPrincipal, ApiKeyPrincipal } from "../auth/principal";
import type { TenantDb } from "../db/handles";
import { platformDb, tenantDbFromBinding } from "../db/handles";
import { memberships, phoneNumbers, tenants } from "../db/platform.schema";
import type { Env } from "../env";
import type { Role } from "../auth/principal";
import type { VerifiedTwilioWebhook } from "../twilio/signature";
import { isMigrated, tenantDatabase } from "./bindings";
import { toTenantRecord } from "../tenants/tenant-record";
import type { TenantRecord } from "../tenants/tenants.schema";

export interface TenantContext {
  readonly tenantId: string;
  readonly tenant: TenantRecord;
  readonly config: AgentConfig;
  readonly template: { name: string; version: number };
  /** Drizzle handle on this tenant's own database. */
  readonly db: TenantDb;
  /** The same database, raw, for FTS5 and batch statements drizzle does not express. */
  readonly d1: D1Database;
  /** Vectorize namespace: always the tenant id, never chosen by an API caller. */
  readonly vectorNamespace: string;
  /** How the tenant was resolved, for audit and logs. */
  readonly via: TenantSource["kind"];
  /** The caller's role in this tenant when resolved from a user; null otherwise. */
  readonly role: Role | "platform_admin" | null;
}

declare const verifiedCallToken: unique symbol;
/** A stream token whose HMAC was checked (calls/stream-token.ts makes these). */
export interface VerifiedCallToken {
  readonly [verifiedCallToken]: true;
  readonly tenantId: string;
  readonly callSid: string;
}

export type TenantSource =
  | { kind: "twilio"; webhook: VerifiedTwilioWebhook }
  | { kind: "api_key"; principal: ApiKeyPrincipal }
  | { kind: "user"; principal: UserPrincipal; tenantId: string; allowSuspended?: boolean }
  | { kind: "call_token"; token: VerifiedCallToken }
  /** A job our own code queued (queues are not writable from outside); its body is zod-checked. */
  | { kind: "queue"; tenantId: string }
  /** Periodic platform work (the cron trigger), for each tenant in turn. */
  | { kind: "scheduled"; tenantId: string }
  /**
   * A Twilio callback to a URL we generated with the tenant id in it (SMS status): the
   * signature covers the whole URL, so the tenant id is as authentic as the webhook.
   */
  | { kind: "twilio_callback"; webhook: VerifiedTwilioWebhook; tenantId: string };

export type TenantResolution =
  | { ok: true; ctx: TenantContext }
  | {
      ok: false;
      reason:
        | "unknown_number"
        | "unknown_tenant"
        | "forbidden"
        | "suspended"
        | "offboarded"
        | "binding_missing"
        | "unmigrated";
      tenantId?: string;
    };

export async function resolveTenant(env: Env, source: TenantSource): Promise<TenantResolution> {
  const pdb = platformDb(env.PLATFORM_DB);
  let tenantId: string;
  let role: TenantContext["role"] = null;

  switch (source.kind) {
    case "twilio": {
      const number = await pdb.query.phoneNumbers.findFirst({
        where: eq(phoneNumbers.e164, source.webhook.dialledNumber),
      });
      if (!number) return { ok: false, reason: "unknown_number" };
      tenantId = number.tenantId;
      break;
    }
    case "api_key":
      tenantId = source.principal.tenantId;
      break;
    case "call_token":
      tenantId = source.token.tenantId;
      break;
    case "queue":
    case "scheduled":
    case "twilio_callback":
      tenantId = source.tenantId;
      break;
    case "user": {
      tenantId = source.tenantId;
      if (source.principal.isPlatformAdmin) {
        role = "platform_admin";
      } else {
        const membership = await pdb.query.memberships.findFirst({
          where: and(
            eq(memberships.userId, source.principal.userId),
            eq(memberships.tenantId, tenantId),
          ),
        });
        if (!membership) return { ok: false, reason: "forbidden" };
        role = membership.role;
      }
      break;
    }
  }

  const row = await pdb.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!row) return { ok: false, reason: source.kind === "user" ? "forbidden" : "unknown_tenant" };
  if (row.status === "offboarded") return { ok: false, reason: "offboarded", tenantId };
  // Staff and operators may still open a suspended tenant to look at it; calls and API keys may not.
  // Delivery receipts for texts already sent are still recorded after a suspension.
  const allowSuspended = source.kind === "user" || source.kind === "twilio_callback";
  if (row.status === "suspended" && !allowSuspended)
    return { ok: false, reason: "suspended", tenantId };

  const d1 = tenantDatabase(env, row.d1Binding);
  if (!d1) return { ok: false, reason: "binding_missing", tenantId };
  if (!(await isMigrated(row.d1Binding, d1))) return { ok: false, reason: "unmigrated", tenantId };

  const tenant = toTenantRecord(row);
  return {
    ok: true,
    ctx: {
      tenantId: tenant.id,
      tenant,
      config: tenant.agentConfig,
      template: tenant.template,
      db: tenantDbFromBinding(d1),
      d1,
      vectorNamespace: tenant.id,
      via: source.kind,
      role,
    },
  };
}

/** A client may name its tenant (`customer_id`); it must be the one it authenticated as. */
export function customerIdMatches(
  ctx: TenantContext,
  customerId: string | undefined | null,
): boolean {
  if (customerId === undefined || customerId === null || customerId === "") return true;
  return customerId === ctx.tenantId || customerId === ctx.tenant.slug;
}
