/**
 * Tenant lifecycle on the control plane: create (claiming a warm-pool database), change,
 * list. Expected failures come back as AppError values for the route to throw.
 */
import { and, eq, inArray, ne } from "drizzle-orm";
import { AgentConfig, defaultAgentConfig, mergeAgentConfig } from "../agents/agent-config.schema";
import type { Principal } from "../auth/principal";
import { transferSettingError } from "../calls/transfer-policy";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { phoneNumbers, tenantDatabases, tenants } from "../db/platform.schema";
import type { Env } from "../env";
import { AppError, conflict, notFound } from "../http/errors";
import { newId } from "../lib/crypto";
import { parseTemplateId, getTemplate } from "../templates/registry";
import { POOL_BINDING_PREFIX, boundTenantDatabases, isMigrated, tenantDatabase } from "./bindings";
import type { TenantRecord } from "./tenant-record";
import { toTenantRecord } from "./tenant-record";
import type { CreateTenant, UpdateTenant } from "./tenants.schema";

export interface TenantView extends TenantRecord {
  phoneNumbers: string[];
}

async function phoneNumbersOf(db: PlatformDb, tenantIds: string[]): Promise<Map<string, string[]>> {
  const byTenant = new Map<string, string[]>();
  if (tenantIds.length === 0) return byTenant;
  const rows = await db
    .select()
    .from(phoneNumbers)
    .where(inArray(phoneNumbers.tenantId, tenantIds));
  for (const row of rows)
    byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row.e164]);
  return byTenant;
}

export async function getTenant(env: Env, tenantId: string): Promise<TenantView | null> {
  const db = platformDb(env.PLATFORM_DB);
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!row) return null;
  const numbers = await phoneNumbersOf(db, [row.id]);
  return { ...toTenantRecord(row), phoneNumbers: numbers.get(row.id) ?? [] };
}

/** Pool databases this deploy carries that no tenant holds and that are fully migrated. */
export async function availablePoolBindings(env: Env): Promise<string[]> {
  const db = platformDb(env.PLATFORM_DB);
  const taken = new Set(
    (
      await db
        .select({ binding: tenantDatabases.binding })
        .from(tenantDatabases)
        .where(ne(tenantDatabases.status, "available"))
    ).map((r) => r.binding),
  );
  const held = new Set(
    (await db.select({ binding: tenants.d1Binding }).from(tenants)).map((r) => r.binding),
  );
  const out: string[] = [];
  for (const binding of boundTenantDatabases(env)) {
    if (!binding.startsWith(POOL_BINDING_PREFIX) || taken.has(binding) || held.has(binding))
      continue;
    const d1 = tenantDatabase(env, binding);
    if (d1 && (await isMigrated(binding, d1))) out.push(binding);
  }
  return out;
}

function isUniqueViolation(error: unknown): boolean {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const text = error instanceof Error ? `${error.message} ${cause}` : String(error);
  return /UNIQUE constraint failed/i.test(text);
}

export async function createTenant(
  env: Env,
  principal: Principal | undefined,
  input: CreateTenant,
  requestId: string,
): Promise<TenantView | AppError> {
  const db = platformDb(env.PLATFORM_DB);
  const ref = parseTemplateId(input.template);
  if (!ref || !getTemplate(ref.name, ref.version)) {
    return new AppError(
      400,
      "invalid_request",
      `template: unknown industry template '${input.template}'`,
    );
  }
  if (await db.query.tenants.findFirst({ where: eq(tenants.slug, input.slug) })) {
    return conflict(`slug: '${input.slug}' is already taken`);
  }
  if (await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, input.phoneNumber) })) {
    return conflict(`phoneNumber: ${input.phoneNumber} already belongs to a tenant`);
  }
  const configResult = AgentConfig.safeParse(
    mergeAgentConfig(
      defaultAgentConfig({ businessName: input.businessName }),
      input.agentConfig ?? {},
    ),
  );
  if (!configResult.success) {
    return new AppError(
      400,
      "invalid_request",
      `agentConfig: ${configResult.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  const agentConfig = { ...configResult.data, businessName: input.businessName };
  const refused = await transferSettingError(env, null, agentConfig, input.agentConfig, [
    input.phoneNumber,
  ]);
  if (refused) return refused;

  // Two creations may race for the same pool database; tenants.d1_binding is unique, so the
  // loser's whole batch rolls back and it tries the next database.
  const candidates = await availablePoolBindings(env);
  for (const binding of candidates) {
    const id = newId("tnt");
    const now = new Date().toISOString();
    try {
      await db.batch([
        db.insert(tenants).values({
          id,
          slug: input.slug,
          businessName: input.businessName,
          status: "active",
          templateName: ref.name,
          templateVersion: ref.version,
          agentConfig: JSON.stringify(agentConfig),
          d1Binding: binding,
          createdAt: now,
          updatedAt: now,
        }),
        db.insert(phoneNumbers).values({ e164: input.phoneNumber, tenantId: id }),
        db
          .insert(tenantDatabases)
          .values({
            binding,
            databaseName: binding,
            status: "assigned",
            tenantId: id,
            claimedAt: now,
          })
          .onConflictDoUpdate({
            target: tenantDatabases.binding,
            set: { status: "assigned", tenantId: id, claimedAt: now },
          }),
        auditInsert(db, principal, {
          action: "tenant.create",
          tenantId: id,
          target: input.slug,
          detail: { binding, template: input.template, phoneNumber: input.phoneNumber },
          requestId,
        }),
      ]);
      const created = await getTenant(env, id);
      if (!created) throw new Error("tenant vanished after creation");
      return created;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Slug or number taken in the meantime: a retry with another database would fail the same way.
      if (await db.query.tenants.findFirst({ where: eq(tenants.slug, input.slug) }))
        return conflict(`slug: '${input.slug}' is already taken`);
      if (
        await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, input.phoneNumber) })
      ) {
        return conflict(`phoneNumber: ${input.phoneNumber} already belongs to a tenant`);
      }
    }
  }
  return new AppError(
    503,
    "pool_exhausted",
    "No provisioned tenant database is free. An operator must refill the warm pool (npm run pool:provision) and deploy.",
  );
}

export async function updateTenant(
  env: Env,
  principal: Principal | undefined,
  tenantId: string,
  input: UpdateTenant,
  requestId: string,
): Promise<TenantView | AppError> {
  const db = platformDb(env.PLATFORM_DB);
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!row) return notFound("No such tenant");
  const current = toTenantRecord(row);
  if (current.status === "offboarded")
    return conflict("status: an offboarded tenant cannot be changed");

  const businessName = input.businessName ?? current.businessName;
  const merged = AgentConfig.safeParse({
    ...mergeAgentConfig(current.agentConfig, input.agentConfig ?? {}),
    businessName,
  });
  if (!merged.success) {
    return new AppError(
      400,
      "invalid_request",
      `agentConfig: ${merged.error.issues[0]?.message ?? "invalid"}`,
    );
  }

  const refused = await transferSettingError(
    env,
    tenantId,
    merged.data,
    input.agentConfig,
    input.addPhoneNumbers,
  );
  if (refused) return refused;

  let template = current.template;
  if (input.template) {
    const ref = parseTemplateId(input.template);
    if (!ref || !getTemplate(ref.name, ref.version)) {
      return new AppError(
        400,
        "invalid_request",
        `template: unknown industry template '${input.template}'`,
      );
    }
    template = ref;
  }

  const toAdd = input.addPhoneNumbers ?? [];
  for (const number of toAdd) {
    const owner = await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, number) });
    if (owner && owner.tenantId !== tenantId)
      return conflict(`addPhoneNumbers: ${number} already belongs to a tenant`);
  }
  const toRemove = input.removePhoneNumbers ?? [];

  const status = input.status ?? current.status;
  const now = new Date().toISOString();
  const statements = [
    db
      .update(tenants)
      .set({
        businessName,
        status,
        templateName: template.name,
        templateVersion: template.version,
        agentConfig: JSON.stringify(merged.data),
        updatedAt: now,
      })
      .where(eq(tenants.id, tenantId)),
    ...toAdd.map((e164) =>
      db.insert(phoneNumbers).values({ e164, tenantId }).onConflictDoNothing(),
    ),
    ...(toRemove.length > 0
      ? [
          db
            .delete(phoneNumbers)
            .where(and(eq(phoneNumbers.tenantId, tenantId), inArray(phoneNumbers.e164, toRemove))),
        ]
      : []),
    // Offboarding releases the numbers and retires the database: it is never handed to another tenant.
    ...(status === "offboarded"
      ? [
          db.delete(phoneNumbers).where(eq(phoneNumbers.tenantId, tenantId)),
          db
            .insert(tenantDatabases)
            .values({
              binding: current.d1Binding,
              databaseName: current.d1Binding,
              status: "retired",
              tenantId,
            })
            .onConflictDoUpdate({ target: tenantDatabases.binding, set: { status: "retired" } }),
        ]
      : []),
    auditInsert(db, principal, {
      action:
        status !== current.status
          ? `tenant.${status === "active" ? "resume" : status === "suspended" ? "suspend" : "offboard"}`
          : "tenant.update",
      tenantId,
      target: current.slug,
      detail: { fields: Object.keys(input) },
      requestId,
    }),
  ] as const;
  await db.batch(statements);
  const updated = await getTenant(env, tenantId);
  if (!updated) return notFound("No such tenant");
  return updated;
}
