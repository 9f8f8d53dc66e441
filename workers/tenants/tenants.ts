/**
 * Tenant lifecycle on the control plane: create (claiming a warm-pool database), change,
 * suspend, resume, offboard, list. Expected refusals come back as `Result` failures; every
 * change writes its audit row in the same platform-DB batch as the change itself.
 */
import { and, count, eq, inArray, or } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { AgentConfig, defaultAgentConfig, mergeAgentConfig } from "../agents/agent-config.schema";
import type { Principal } from "../auth/principal";
import { transferSettingRefusal } from "../calls/transfer-policy";
import { auditInsert } from "../audit/audit";
import type { PlatformDb } from "../db/handles";
import { platformDb } from "../db/handles";
import { phoneNumbers, tenants } from "../db/platform.schema";
import { containsText, phoneContains } from "../db/text-search";
import type { Env } from "../env";
import { newId } from "../lib/crypto";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import { getTemplate, parseTemplateId } from "../templates/registry";
import { availablePoolBindings, claimPoolDatabase, retirePoolDatabase } from "../tenancy/pool";
import { toTenantRecord } from "./tenant-record";
import type { TenantRow } from "./tenant-record";
import type {
  CreateTenant,
  Tenant,
  TenantList,
  TenantListQuery,
  TenantStatus,
  UpdateTenant,
} from "./tenants.schema";

/** Who asked for a change, for its audit row. */
export interface Actor {
  principal: Principal | undefined;
  requestId: string;
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

function withNumbers(row: TenantRow, numbers: Map<string, string[]>): Tenant {
  return { ...toTenantRecord(row), phoneNumbers: numbers.get(row.id) ?? [] };
}

export async function getTenant(env: Env, tenantId: string): Promise<Tenant | null> {
  const db = platformDb(env.PLATFORM_DB);
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!row) return null;
  return withNumbers(row, await phoneNumbersOf(db, [row.id]));
}

/** The tenant, or `not_found`. */
export async function findTenant(env: Env, tenantId: string): Promise<Result<Tenant>> {
  const tenant = await getTenant(env, tenantId);
  return tenant ? ok(tenant) : fail("not_found", "No such tenant");
}

/** Tenants by name, slug, id or (part of) a phone number, optionally of one status, a page at a time. */
export async function listTenants(db: PlatformDb, query: TenantListQuery): Promise<TenantList> {
  const where: SQL[] = [];
  if (query.status) where.push(eq(tenants.status, query.status));
  if (query.search) {
    const term = query.search;
    const byNumber = db
      .select({ id: phoneNumbers.tenantId })
      .from(phoneNumbers)
      .where(or(containsText(phoneNumbers.e164, term), phoneContains(phoneNumbers.e164, term)));
    const match = or(
      containsText(tenants.slug, term),
      containsText(tenants.businessName, term),
      eq(tenants.id, term),
      inArray(tenants.id, byNumber),
    );
    if (match) where.push(match);
  }
  const condition = where.length > 0 ? and(...where) : undefined;
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(tenants)
      .where(condition)
      .orderBy(tenants.businessName, tenants.id)
      .limit(query.limit)
      .offset(query.offset),
    db.select({ n: count() }).from(tenants).where(condition),
  ]);
  const numbers = await phoneNumbersOf(
    db,
    rows.map((r) => r.id),
  );
  return { tenants: rows.map((row) => withNumbers(row, numbers)), total: totals[0]?.n ?? 0 };
}

function isUniqueViolation(error: unknown): boolean {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : "";
  const text = error instanceof Error ? `${error.message} ${cause}` : String(error);
  return /UNIQUE constraint failed/i.test(text);
}

function unknownTemplate(id: string) {
  return fail("invalid_request", `template: unknown industry template '${id}'`);
}

function invalidAgentConfig(error: { issues: { message: string }[] }) {
  return fail("invalid_request", `agentConfig: ${error.issues[0]?.message ?? "invalid"}`);
}

const slugTaken = (slug: string) => fail("conflict", `slug: '${slug}' is already taken`);
const numberTaken = (field: string, number: string) =>
  fail("conflict", `${field}: ${number} already belongs to a tenant`);

export async function createTenant(
  env: Env,
  actor: Actor,
  input: CreateTenant,
): Promise<Result<Tenant>> {
  const db = platformDb(env.PLATFORM_DB);
  const ref = parseTemplateId(input.template);
  if (!ref || !getTemplate(ref.name, ref.version)) return unknownTemplate(input.template);
  if (await db.query.tenants.findFirst({ where: eq(tenants.slug, input.slug) })) {
    return slugTaken(input.slug);
  }
  if (await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, input.phoneNumber) })) {
    return numberTaken("phoneNumber", input.phoneNumber);
  }
  const configResult = AgentConfig.safeParse(
    mergeAgentConfig(
      defaultAgentConfig({ businessName: input.businessName }),
      input.agentConfig ?? {},
    ),
  );
  if (!configResult.success) return invalidAgentConfig(configResult.error);
  const agentConfig = { ...configResult.data, businessName: input.businessName };
  const refused = await transferSettingRefusal(env, null, agentConfig, input.agentConfig, [
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
        claimPoolDatabase(db, binding, id, now),
        auditInsert(db, actor.principal, {
          action: "tenant.create",
          tenantId: id,
          target: input.slug,
          detail: { binding, template: input.template, phoneNumber: input.phoneNumber },
          requestId: actor.requestId,
        }),
      ]);
      const created = await getTenant(env, id);
      if (!created) throw new Error("tenant vanished after creation");
      return ok(created);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Slug or number taken in the meantime: a retry with another database would fail the same way.
      if (await db.query.tenants.findFirst({ where: eq(tenants.slug, input.slug) }))
        return slugTaken(input.slug);
      if (
        await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, input.phoneNumber) })
      ) {
        return numberTaken("phoneNumber", input.phoneNumber);
      }
    }
  }
  return fail(
    "pool_exhausted",
    "No provisioned tenant database is free. An operator must refill the warm pool (npm run pool:provision) and deploy.",
  );
}

const STATUS_ACTIONS: Record<TenantStatus, string> = {
  active: "tenant.resume",
  suspended: "tenant.suspend",
  offboarded: "tenant.offboard",
};

export async function updateTenant(
  env: Env,
  actor: Actor,
  tenantId: string,
  input: UpdateTenant,
): Promise<Result<Tenant>> {
  const db = platformDb(env.PLATFORM_DB);
  const row = await db.query.tenants.findFirst({ where: eq(tenants.id, tenantId) });
  if (!row) return fail("not_found", "No such tenant");
  const current = toTenantRecord(row);
  if (current.status === "offboarded")
    return fail("conflict", "status: an offboarded tenant cannot be changed");

  const businessName = input.businessName ?? current.businessName;
  const merged = AgentConfig.safeParse({
    ...mergeAgentConfig(current.agentConfig, input.agentConfig ?? {}),
    businessName,
  });
  if (!merged.success) return invalidAgentConfig(merged.error);

  const refused = await transferSettingRefusal(
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
    if (!ref || !getTemplate(ref.name, ref.version)) return unknownTemplate(input.template);
    template = ref;
  }

  const toAdd = input.addPhoneNumbers ?? [];
  for (const number of toAdd) {
    const owner = await db.query.phoneNumbers.findFirst({ where: eq(phoneNumbers.e164, number) });
    if (owner && owner.tenantId !== tenantId) return numberTaken("addPhoneNumbers", number);
  }
  const toRemove = input.removePhoneNumbers ?? [];

  const status = input.status ?? current.status;
  const now = new Date().toISOString();
  await db.batch([
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
    // Offboarding releases the numbers and retires the database: it is never handed to another
    // tenant. All of that is platform-DB state, so it shares this batch; the tenant database
    // itself is left as it is (retired, not wiped), so no write there has to follow the batch.
    ...(status === "offboarded"
      ? [
          db.delete(phoneNumbers).where(eq(phoneNumbers.tenantId, tenantId)),
          retirePoolDatabase(db, current.d1Binding, tenantId),
        ]
      : []),
    auditInsert(db, actor.principal, {
      action: status !== current.status ? STATUS_ACTIONS[status] : "tenant.update",
      tenantId,
      target: current.slug,
      detail: { fields: Object.keys(input) },
      requestId: actor.requestId,
    }),
  ]);
  return findTenant(env, tenantId);
}

export function setTenantStatus(
  env: Env,
  actor: Actor,
  tenantId: string,
  status: "active" | "suspended",
): Promise<Result<Tenant>> {
  return updateTenant(env, actor, tenantId, { status });
}

/** Offboarding is irreversible, so the operator types the tenant's slug to confirm it. */
export async function offboardTenant(
  env: Env,
  actor: Actor,
  tenantId: string,
  confirmSlug: string,
): Promise<Result<Tenant>> {
  const tenant = await getTenant(env, tenantId);
  if (!tenant) return fail("not_found", "No such tenant");
  if (confirmSlug !== tenant.slug)
    return fail(
      "invalid_request",
      "confirmSlug: type the tenant's slug exactly to confirm offboarding",
      [{ path: "confirmSlug", message: "does not match the tenant's slug" }],
    );
  return updateTenant(env, actor, tenantId, { status: "offboarded" });
}

export function assignTemplate(
  env: Env,
  actor: Actor,
  tenantId: string,
  template: string,
): Promise<Result<Tenant>> {
  return updateTenant(env, actor, tenantId, { template });
}
