/**
 * Idempotent local seed: publishes the industry templates, the platform admin, the demo
 * tenants with their databases, numbers, callers and memories. Running it twice changes nothing.
 */
import { and, eq } from "drizzle-orm";
import { defaultAgentConfig, mergeAgentConfig } from "../agents/agent-config.schema";
import type { AgentConfigPatch } from "../agents/agent-config.schema";
import { createApiKey } from "../api-keys/api-keys";
import type { CreatedApiKey } from "../api-keys/api-keys.schema";
import { ensurePlatformAdmin } from "../auth/bootstrap";
import { platformDb, tenantDbFromBinding } from "../db/handles";
import {
  apiKeys,
  industryTemplates,
  phoneNumbers,
  tenantDatabases,
  tenants,
} from "../db/platform.schema";
import { callers, memories } from "../db/tenant.schema";
import type { Env } from "../env";
import { newId } from "../lib/crypto";
import { tenantDatabase } from "../tenancy/bindings";
import { TEMPLATE_DEFINITIONS, getTemplate } from "../templates/registry";
import { renderBio, validateProfile } from "../templates/profile";
import { DEMO_TENANTS } from "./demo-data";

export interface SeedReport {
  templates: number;
  tenants: { slug: string; tenantId: string; binding: string; phoneNumber: string }[];
  apiKeys: { slug: string; key: string }[];
}

export async function publishTemplates(env: Env): Promise<number> {
  const db = platformDb(env.PLATFORM_DB);
  for (const definition of TEMPLATE_DEFINITIONS) {
    await db
      .insert(industryTemplates)
      .values({
        name: definition.name,
        version: definition.version,
        label: definition.label,
        definition: JSON.stringify(definition),
      })
      .onConflictDoNothing();
  }
  return TEMPLATE_DEFINITIONS.length;
}

export async function seedDemo(
  env: Env,
  options: { createApiKeys?: boolean } = {},
): Promise<SeedReport> {
  const db = platformDb(env.PLATFORM_DB);
  const report: SeedReport = { templates: await publishTemplates(env), tenants: [], apiKeys: [] };
  await ensurePlatformAdmin(env, db);

  for (const demo of DEMO_TENANTS) {
    const d1 = tenantDatabase(env, demo.binding);
    if (!d1)
      throw new Error(`Demo tenant ${demo.slug} needs binding ${demo.binding} in wrangler.toml`);
    const template = getTemplate(demo.template.name, demo.template.version);
    if (!template)
      throw new Error(`Unknown template ${demo.template.name} v${demo.template.version}`);

    const patch: AgentConfigPatch = {
      agentName: demo.agentName,
      greeting: demo.greeting,
      voice: demo.voice as AgentConfigPatch["voice"],
      smsRecipients: demo.smsRecipients,
    };
    const agentConfig = mergeAgentConfig(
      defaultAgentConfig({ businessName: demo.businessName, agentName: demo.agentName }),
      patch,
    );
    await db
      .insert(tenants)
      .values({
        id: demo.id,
        slug: demo.slug,
        businessName: demo.businessName,
        templateName: demo.template.name,
        templateVersion: demo.template.version,
        agentConfig: JSON.stringify(agentConfig),
        d1Binding: demo.binding,
      })
      .onConflictDoNothing();
    await db
      .insert(phoneNumbers)
      .values({ e164: demo.phoneNumber, tenantId: demo.id, label: "Main line" })
      .onConflictDoNothing();
    await db
      .insert(tenantDatabases)
      .values({
        binding: demo.binding,
        databaseName: demo.binding,
        status: "assigned",
        tenantId: demo.id,
        claimedAt: new Date().toISOString(),
      })
      .onConflictDoNothing();
    report.tenants.push({
      slug: demo.slug,
      tenantId: demo.id,
      binding: demo.binding,
      phoneNumber: demo.phoneNumber,
    });

    if (options.createApiKeys) {
      const existing = await db.query.apiKeys.findFirst({
        where: and(eq(apiKeys.tenantId, demo.id), eq(apiKeys.name, "Local demo")),
      });
      if (!existing) {
        const key: CreatedApiKey = await createApiKey(db, demo.id, "Local demo", null);
        report.apiKeys.push({ slug: demo.slug, key: key.key });
      }
    }

    const tdb = tenantDbFromBinding(d1);
    for (const caller of demo.callers) {
      const validated = validateProfile(template, caller.profile);
      if (!validated.ok)
        throw new Error(
          `Demo caller ${caller.phone} of ${demo.slug} is invalid: ${JSON.stringify(validated.issues)}`,
        );
      const existing = await tdb.query.callers.findFirst({
        where: eq(callers.phone, caller.phone),
      });
      if (existing) continue;
      const callerId = newId("clr");
      const profile = validated.profile as Record<string, unknown>;
      await tdb.insert(callers).values({
        id: callerId,
        phone: caller.phone,
        firstName: typeof profile.first_name === "string" ? profile.first_name : null,
        lastName: typeof profile.last_name === "string" ? profile.last_name : null,
        profile: JSON.stringify(profile),
        profileTemplate: template.id,
        bio: renderBio(template, profile),
      });
      for (const memory of caller.memories) {
        await tdb.insert(memories).values({ callerId, ...memory, confidence: 1 });
      }
    }
  }
  return report;
}
