/** The call log staff read: filtered, paginated calls, and one call with transcript, summary and metrics. */
import { and, count, desc, eq, gte, lt, or } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import {
  callSummaries,
  callers,
  calls,
  personalityMetrics,
  transcriptTurns,
} from "../db/tenant.schema";
import { containsText, phoneContains } from "../db/text-search";
import { normalizePhone } from "../lib/phone";
import type { TenantContext } from "../tenancy/tenant-context";
import type { CallDetail, CallList, CallListQuery, CallLogEntry } from "./call-log.schema";

function parseArray(text: string): unknown[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? (value as unknown[]) : [];
  } catch {
    return [];
  }
}

function parseStringArray(text: string): string[] {
  return parseArray(text).filter((v): v is string => typeof v === "string");
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function lowerBound(value: string): string {
  return DAY.test(value) ? `${value}T00:00:00.000Z` : new Date(value).toISOString();
}

/** Exclusive upper bound: a bare day includes all of that day. */
function upperBound(value: string): string {
  if (!DAY.test(value)) return new Date(value).toISOString();
  const next = new Date(`${value}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString();
}

function nameOf(first: string | null, last: string | null): string | null {
  const name = [first, last].filter((p): p is string => !!p).join(" ");
  return name.length > 0 ? name : null;
}

export async function listCalls(ctx: TenantContext, query: CallListQuery): Promise<CallList> {
  const where: SQL[] = [];
  if (query.from) where.push(gte(calls.startedAt, lowerBound(query.from)));
  if (query.to) where.push(lt(calls.startedAt, upperBound(query.to)));
  if (query.outcome) where.push(eq(calls.outcome, query.outcome));
  if (query.status) where.push(eq(calls.status, query.status));
  if (query.caller) {
    // A name, or any part of the number however it is written (docs/TENANT_ADMIN_MANUAL.md).
    const phone = normalizePhone(query.caller);
    const condition = or(
      phone ? eq(calls.fromNumber, phone) : undefined,
      phoneContains(calls.fromNumber, query.caller),
      containsText(callers.firstName, query.caller),
      containsText(callers.lastName, query.caller),
    );
    if (condition) where.push(condition);
  }
  const filter = where.length > 0 ? and(...where) : undefined;
  const [rows, totals] = await Promise.all([
    ctx.db
      .select({
        call: calls,
        firstName: callers.firstName,
        lastName: callers.lastName,
        summary: callSummaries.summary,
      })
      .from(calls)
      .leftJoin(callers, eq(callers.id, calls.callerId))
      .leftJoin(callSummaries, eq(callSummaries.callSid, calls.callSid))
      .where(filter)
      .orderBy(desc(calls.startedAt), desc(calls.callSid))
      .limit(query.limit)
      .offset(query.offset),
    ctx.db
      .select({ n: count() })
      .from(calls)
      .leftJoin(callers, eq(callers.id, calls.callerId))
      .where(filter),
  ]);
  return {
    calls: rows.map((r) => toCallRow(r.call, nameOf(r.firstName, r.lastName), r.summary)),
    total: totals[0]?.n ?? 0,
  };
}

function toCallRow(
  call: typeof calls.$inferSelect,
  callerName: string | null,
  summary: string | null,
): CallLogEntry {
  return {
    callSid: call.callSid,
    callerId: call.callerId,
    callerName,
    fromNumber: call.fromNumber,
    toNumber: call.toNumber,
    direction: call.direction,
    status: call.status,
    outcome: call.outcome,
    startedAt: call.startedAt,
    endedAt: call.endedAt,
    durationSeconds: call.durationSeconds,
    endReason: call.endReason,
    transferredTo: call.transferredTo,
    toolsUsed: parseStringArray(call.toolsUsed),
    postCallStatus: call.postCallStatus,
    summary,
  };
}

export async function getCallDetail(
  ctx: TenantContext,
  callSid: string,
): Promise<CallDetail | null> {
  const rows = await ctx.db
    .select({ call: calls, firstName: callers.firstName, lastName: callers.lastName })
    .from(calls)
    .leftJoin(callers, eq(callers.id, calls.callerId))
    .where(eq(calls.callSid, callSid))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  const [turns, summary, metrics] = await Promise.all([
    ctx.db
      .select()
      .from(transcriptTurns)
      .where(eq(transcriptTurns.callSid, callSid))
      .orderBy(transcriptTurns.seq),
    ctx.db.query.callSummaries.findFirst({ where: eq(callSummaries.callSid, callSid) }),
    ctx.db
      .select({ metric: personalityMetrics.metric, value: personalityMetrics.value })
      .from(personalityMetrics)
      .where(eq(personalityMetrics.callSid, callSid))
      .orderBy(personalityMetrics.metric),
  ]);
  return {
    call: toCallRow(row.call, nameOf(row.firstName, row.lastName), summary?.summary ?? null),
    transcript: turns.map((t) => ({ seq: t.seq, speaker: t.speaker, text: t.text, at: t.at })),
    summary: summary
      ? {
          summary: summary.summary,
          method: summary.method,
          sentiment: summary.sentiment,
          openItems: parseArray(summary.openItems),
          createdAt: summary.createdAt,
        }
      : null,
    metrics,
  };
}
