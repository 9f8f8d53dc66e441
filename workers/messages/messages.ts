/**
 * Messages callers leave for the business (taken by the agent during a call, or recorded after
 * a `<Record>`). Staff work through them new → read → done. Tenant data: context first.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import { messages } from "../db/tenant.schema";
import { newId } from "../lib/crypto";
import type { TenantContext } from "../tenancy/tenant-context";
import type { MessageStatus, MessageUrgency } from "./messages.schema";
import { CreateMessage } from "./messages.schema";

export type Message = typeof messages.$inferSelect;

export interface MessageOrigin {
  callSid?: string | null;
  callerId?: string | null;
}

export type CreateMessageResult =
  { ok: true; message: Message } | { ok: false; issues: { path: string; message: string }[] };

export async function createMessage(
  ctx: TenantContext,
  input: CreateMessage,
  origin: MessageOrigin = {},
): Promise<CreateMessageResult> {
  const parsed = CreateMessage.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({
        path: i.path.map(String).join("."),
        message: i.message,
      })),
    };
  }
  const id = newId("msg");
  const row = {
    id,
    callSid: origin.callSid ?? null,
    callerId: origin.callerId ?? null,
    callerName: parsed.data.callerName ?? null,
    callbackNumber: parsed.data.callbackNumber ?? null,
    body: parsed.data.body,
    urgency: parsed.data.urgency,
    recordingUrl: parsed.data.recordingUrl ?? null,
  };
  const [message] = await ctx.db.insert(messages).values(row).returning();
  if (!message) throw new Error("message row missing right after insert");
  return { ok: true, message };
}

export async function listMessages(
  ctx: TenantContext,
  options: { status?: MessageStatus; urgency?: MessageUrgency; limit: number; offset: number },
): Promise<Message[]> {
  const filters = [
    options.status ? eq(messages.status, options.status) : undefined,
    options.urgency ? eq(messages.urgency, options.urgency) : undefined,
  ].filter((f) => f !== undefined);
  return (
    ctx.db
      .select()
      .from(messages)
      .where(filters.length > 0 ? and(...filters) : undefined)
      // rowid breaks ties between messages stored in the same millisecond: insertion order.
      .orderBy(desc(messages.createdAt), desc(sql`rowid`))
      .limit(options.limit)
      .offset(options.offset)
  );
}

export async function getMessage(ctx: TenantContext, id: string): Promise<Message | null> {
  return (await ctx.db.query.messages.findFirst({ where: eq(messages.id, id) })) ?? null;
}

/** Moves a message to read or done; null when this tenant has no such message. */
export async function markMessage(
  ctx: TenantContext,
  id: string,
  status: MessageStatus,
): Promise<Message | null> {
  const [updated] = await ctx.db
    .update(messages)
    .set({ status })
    .where(eq(messages.id, id))
    .returning();
  return updated ?? null;
}
