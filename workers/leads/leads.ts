/**
 * The built-in pipeline: leads move new → contacted → qualified → won | lost, and every move
 * is kept as a lead event. A caller with an open lead gets it updated, not a duplicate.
 */
import { and, count, desc, eq, inArray } from "drizzle-orm";
import { leadEvents, leads } from "../db/tenant.schema";
import { newId } from "../lib/crypto";
import type { TenantContext } from "../tenancy/tenant-context";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";
import type { CaptureLead, LeadBoard, LeadListQuery, LeadStage } from "./leads.schema";
import { LEAD_STAGES } from "./leads.schema";

export type Lead = typeof leads.$inferSelect;
export type LeadEvent = typeof leadEvents.$inferSelect;

const OPEN_STAGES: LeadStage[] = ["new", "contacted", "qualified"];

export interface LeadSource {
  source: Lead["source"];
  callSid?: string | null;
  callerId?: string | null;
  actor?: string | null;
}

export async function captureLead(
  ctx: TenantContext,
  input: CaptureLead,
  from: LeadSource,
): Promise<{ lead: Lead; created: boolean }> {
  const now = new Date().toISOString();
  const open = input.phone
    ? await ctx.db.query.leads.findFirst({
        where: and(eq(leads.phone, input.phone), inArray(leads.stage, OPEN_STAGES)),
        orderBy: desc(leads.updatedAt),
      })
    : undefined;
  if (open) {
    await ctx.db.batch([
      ctx.db
        .update(leads)
        .set({
          name: input.name ?? open.name,
          email: input.email ?? open.email,
          reason: input.reason,
          callSid: from.callSid ?? open.callSid,
          updatedAt: now,
        })
        .where(eq(leads.id, open.id)),
      ctx.db.insert(leadEvents).values({
        leadId: open.id,
        type: "updated",
        note: input.reason,
        actor: from.actor ?? from.source,
      }),
    ]);
    const lead = await ctx.db.query.leads.findFirst({ where: eq(leads.id, open.id) });
    return { lead: lead ?? open, created: false };
  }
  const id = newId("lead");
  await ctx.db.batch([
    ctx.db.insert(leads).values({
      id,
      callerId: from.callerId ?? null,
      name: input.name ?? null,
      phone: input.phone ?? null,
      email: input.email ?? null,
      reason: input.reason,
      source: from.source,
      stage: "new",
      callSid: from.callSid ?? null,
      createdAt: now,
      updatedAt: now,
    }),
    ctx.db.insert(leadEvents).values({
      leadId: id,
      type: "created",
      toStage: "new",
      note: input.reason,
      actor: from.actor ?? from.source,
    }),
  ]);
  const lead = await ctx.db.query.leads.findFirst({ where: eq(leads.id, id) });
  if (!lead) throw new Error("lead missing right after insert");
  return { lead, created: true };
}

export async function listLeads(
  ctx: TenantContext,
  options: { stage?: LeadStage; limit: number; offset: number },
): Promise<Lead[]> {
  return ctx.db
    .select()
    .from(leads)
    .where(options.stage ? eq(leads.stage, options.stage) : undefined)
    .orderBy(desc(leads.updatedAt))
    .limit(options.limit)
    .offset(options.offset);
}

export async function getLead(
  ctx: TenantContext,
  id: string,
): Promise<{ lead: Lead; events: LeadEvent[] } | null> {
  const lead = await ctx.db.query.leads.findFirst({ where: eq(leads.id, id) });
  if (!lead) return null;
  const events = await ctx.db
    .select()
    .from(leadEvents)
    .where(eq(leadEvents.leadId, id))
    .orderBy(leadEvents.at, leadEvents.id);
  return { lead, events };
}

/** A page of leads (optionally of one stage), newest change first, and how many there are. */
export async function leadList(
  ctx: TenantContext,
  query: LeadListQuery,
): Promise<{ leads: Lead[]; total: number }> {
  const [rows, totals] = await Promise.all([
    listLeads(ctx, query),
    ctx.db
      .select({ n: count() })
      .from(leads)
      .where(query.stage ? eq(leads.stage, query.stage) : undefined),
  ]);
  return { leads: rows, total: totals[0]?.n ?? 0 };
}

/** The board: every stage with its newest `perStage` leads and its total. */
export async function leadBoard(ctx: TenantContext, perStage: number): Promise<LeadBoard> {
  const totals = await ctx.db
    .select({ stage: leads.stage, n: count() })
    .from(leads)
    .groupBy(leads.stage);
  const stages = await Promise.all(
    LEAD_STAGES.map(async (stage) => ({
      stage,
      leads: await listLeads(ctx, { stage, limit: perStage, offset: 0 }),
      total: totals.find((t) => t.stage === stage)?.n ?? 0,
    })),
  );
  return { stages };
}

/** Moves a lead and records the step; `from` is its stage before (equal to `stage`: nothing moved). */
export async function moveLead(
  ctx: TenantContext,
  id: string,
  stage: LeadStage,
  actor: string,
  note?: string,
): Promise<Result<{ lead: Lead; from: LeadStage }>> {
  const current = await ctx.db.query.leads.findFirst({ where: eq(leads.id, id) });
  if (!current) return fail("not_found", "No such lead");
  if (current.stage === stage) return ok({ lead: current, from: current.stage });
  await ctx.db.batch([
    ctx.db
      .update(leads)
      .set({ stage, updatedAt: new Date().toISOString() })
      .where(eq(leads.id, id)),
    ctx.db.insert(leadEvents).values({
      leadId: id,
      type: "stage_changed",
      fromStage: current.stage,
      toStage: stage,
      note: note ?? null,
      actor,
    }),
  ]);
  const lead = await ctx.db.query.leads.findFirst({ where: eq(leads.id, id) });
  if (!lead) return fail("not_found", "No such lead");
  return ok({ lead, from: current.stage });
}
