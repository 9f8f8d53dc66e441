/**
 * The SMS outbox (tenant `sms_outbox`): nothing the business should receive is lost.
 * A message is written first (once per dedupe key, so a retried job never sends twice), then
 * delivered through Twilio with retries and backoff; Twilio's status callbacks move it on.
 *
 * queued ──claim──▶ sending ──Twilio accepted──▶ sent ──callback──▶ delivered
 *    ▲                 │                                 └─────────▶ failed | undelivered
 *    └──retry (backoff)┘── permanent error or attempts spent ──▶ failed
 */
import { and, asc, eq, isNull, lte, or } from "drizzle-orm";
import { platformDb } from "../db/handles";
import { phoneNumbers } from "../db/platform.schema";
import { smsOutbox } from "../db/tenant.schema";
import type { Env } from "../env";
import { newId } from "../lib/crypto";
import { log } from "../observability/log";
import type { TenantContext } from "../tenancy/tenant-context";
import type { TwilioRestClient } from "../twilio/rest";
import { twilioRestFor } from "../twilio/rest";

export type OutboxRow = typeof smsOutbox.$inferSelect;
export type SmsStatus = OutboxRow["status"];

export const MAX_SMS_ATTEMPTS = 6;
/** A row left in `sending` this long belongs to a Worker that died mid-send: try it again. */
const STUCK_SENDING_MS = 10 * 60 * 1000;

/** 30 s, 2 min, 8 min, 32 min, 2 h: long enough to ride out a Twilio or carrier outage. */
export function smsRetryDelayMs(attempts: number): number {
  return Math.min(2 * 60 * 60 * 1000, 30_000 * 4 ** Math.max(0, attempts - 1));
}

// Twilio errors that no retry can fix: invalid or unreachable numbers, opted-out recipients.
const PERMANENT_TWILIO_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614]);

export async function queueSms(
  ctx: TenantContext,
  input: { to: string; body: string; dedupeKey: string; callSid?: string | null },
): Promise<{ message: OutboxRow; created: boolean }> {
  const id = newId("sms");
  const inserted = await ctx.db
    .insert(smsOutbox)
    .values({
      id,
      dedupeKey: input.dedupeKey,
      toNumber: input.to,
      body: input.body,
      callSid: input.callSid ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: smsOutbox.id });
  const row = await ctx.db.query.smsOutbox.findFirst({
    where: eq(smsOutbox.dedupeKey, input.dedupeKey),
  });
  if (!row) throw new Error("outbox row missing right after insert");
  return { message: row, created: inserted.length > 0 };
}

/** The number a tenant's texts come from: its first phone number. */
export async function senderNumberFor(env: Env, tenantId: string): Promise<string | null> {
  const [row] = await platformDb(env.PLATFORM_DB)
    .select({ e164: phoneNumbers.e164 })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.tenantId, tenantId))
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.e164))
    .limit(1);
  return row?.e164 ?? null;
}

export function statusCallbackUrl(env: Env, tenantId: string): string {
  return `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/twilio/sms-status?tenant=${encodeURIComponent(tenantId)}`;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

/** Sends every message that is due. Safe to run concurrently: each row is claimed before sending. */
export async function deliverDueSms(
  env: Env,
  ctx: TenantContext,
  options: { now?: Date; limit?: number; client?: TwilioRestClient } = {},
): Promise<DeliveryReport> {
  const now = options.now ?? new Date();
  const nowIso = now.toISOString();
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };

  await ctx.db
    .update(smsOutbox)
    .set({ status: "queued", updatedAt: nowIso })
    .where(
      and(
        eq(smsOutbox.status, "sending"),
        lte(smsOutbox.updatedAt, new Date(now.getTime() - STUCK_SENDING_MS).toISOString()),
      ),
    );

  const due = await ctx.db
    .select()
    .from(smsOutbox)
    .where(
      and(
        eq(smsOutbox.status, "queued"),
        or(isNull(smsOutbox.nextAttemptAt), lte(smsOutbox.nextAttemptAt, nowIso)),
      ),
    )
    .orderBy(asc(smsOutbox.createdAt))
    .limit(options.limit ?? 50);
  if (due.length === 0) return report;

  const from = await senderNumberFor(env, ctx.tenantId);
  const client = options.client ?? (await twilioRestFor(env, ctx.tenantId));

  for (const row of due) {
    const claimed = await ctx.db
      .update(smsOutbox)
      .set({ status: "sending", attempts: row.attempts + 1, updatedAt: nowIso })
      .where(and(eq(smsOutbox.id, row.id), eq(smsOutbox.status, "queued")))
      .returning({ id: smsOutbox.id });
    if (claimed.length === 0) continue;
    const attempts = row.attempts + 1;

    if (!from) {
      await ctx.db
        .update(smsOutbox)
        .set({
          status: "failed",
          lastError: "the tenant has no phone number to send from",
          updatedAt: nowIso,
        })
        .where(eq(smsOutbox.id, row.id));
      report.failed += 1;
      continue;
    }

    const result = await client.sendSms({
      to: row.toNumber,
      from,
      body: row.body,
      statusCallback: statusCallbackUrl(env, ctx.tenantId),
    });
    if (result.ok) {
      await ctx.db
        .update(smsOutbox)
        .set({
          status: "sent",
          providerSid: result.value.sid,
          lastError: null,
          updatedAt: new Date().toISOString(),
        })
        .where(eq(smsOutbox.id, row.id));
      report.sent += 1;
      continue;
    }
    const error = result.error;
    const permanent =
      error.kind === "invalid_request" ||
      (error.code !== null && PERMANENT_TWILIO_CODES.has(error.code));
    const lastError =
      `${error.kind}${error.code !== null ? ` ${error.code}` : ""}: ${error.message}`.slice(0, 500);
    if (permanent || attempts >= MAX_SMS_ATTEMPTS) {
      await ctx.db
        .update(smsOutbox)
        .set({ status: "failed", lastError, updatedAt: nowIso })
        .where(eq(smsOutbox.id, row.id));
      report.failed += 1;
      log("warn", "sms.failed", {
        tenantId: ctx.tenantId,
        smsId: row.id,
        attempts,
        code: error.code !== null ? String(error.code) : error.kind,
      });
    } else {
      const nextAttemptAt = new Date(now.getTime() + smsRetryDelayMs(attempts)).toISOString();
      await ctx.db
        .update(smsOutbox)
        .set({ status: "queued", lastError, nextAttemptAt, updatedAt: nowIso })
        .where(eq(smsOutbox.id, row.id));
      report.retrying += 1;
      log("info", "sms.retry_scheduled", {
        tenantId: ctx.tenantId,
        smsId: row.id,
        attempts,
        nextAttemptAt,
      });
    }
  }
  return report;
}

const STATUS_RANK: Record<SmsStatus, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  failed: 3,
  undelivered: 3,
};

/** Twilio's MessageStatus values mapped onto ours; anything else is not a state we track. */
export function outboxStatusFor(twilioStatus: string): SmsStatus | null {
  switch (twilioStatus) {
    case "accepted":
    case "queued":
    case "sending":
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "undelivered":
      return "undelivered";
    case "failed":
      return "failed";
    default:
      return null;
  }
}

/** Applies a delivery status callback; late or repeated callbacks never move a message backwards. */
export async function applySmsStatus(
  ctx: TenantContext,
  input: { messageSid: string; twilioStatus: string; errorCode?: string | null },
): Promise<{ found: boolean; changed: boolean }> {
  const row = await ctx.db.query.smsOutbox.findFirst({
    where: eq(smsOutbox.providerSid, input.messageSid),
  });
  if (!row) return { found: false, changed: false };
  const next = outboxStatusFor(input.twilioStatus);
  if (
    !next ||
    STATUS_RANK[next] <= STATUS_RANK[row.status] ||
    row.status === "failed" ||
    row.status === "undelivered" ||
    row.status === "delivered"
  ) {
    return { found: true, changed: false };
  }
  await ctx.db
    .update(smsOutbox)
    .set({
      status: next,
      lastError: input.errorCode ? `twilio ${input.errorCode}` : row.lastError,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(smsOutbox.id, row.id));
  return { found: true, changed: true };
}

export async function listOutbox(
  ctx: TenantContext,
  options: { limit: number; offset: number },
): Promise<OutboxRow[]> {
  return ctx.db
    .select()
    .from(smsOutbox)
    .orderBy(asc(smsOutbox.createdAt))
    .limit(options.limit)
    .offset(options.offset);
}
