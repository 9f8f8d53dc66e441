/**
 * Data-plane schema: one copy per tenant, in that tenant's own D1 database.
 * Nothing here carries a tenant id: which database you hold is the tenant.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const callers = sqliteTable(
  "callers",
  {
    id: text("id").primaryKey(),
    /** E.164; unique within this tenant only. */
    phone: text("phone").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    /** Template-validated profile JSON. */
    profile: text("profile").notNull().default("{}"),
    /** `name@version` of the template the profile was written with. */
    profileTemplate: text("profile_template"),
    bio: text("bio").notNull().default(""),
    callCount: integer("call_count").notNull().default(0),
    lastCallAt: text("last_call_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [uniqueIndex("callers_phone_unique").on(t.phone)],
);

/** Facts about a caller. Add-only: a changed fact supersedes the old one, which is kept. */
export const memories = sqliteTable(
  "memories",
  {
    // Integer rowid so the FTS5 index can use it as its content rowid.
    id: integer("id").primaryKey({ autoIncrement: true }),
    callerId: text("caller_id")
      .notNull()
      .references(() => callers.id),
    type: text("type").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    sourceCallSid: text("source_call_sid"),
    sourceTurn: integer("source_turn"),
    confidence: real("confidence").notNull().default(1),
    observedAt: text("observed_at").notNull().default(now),
    validFrom: text("valid_from").notNull().default(now),
    /** Null while current; set when superseded. */
    validTo: text("valid_to"),
    supersededBy: integer("superseded_by"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    index("memories_caller_current").on(t.callerId, t.validTo),
    index("memories_caller_key").on(t.callerId, t.type, t.key),
  ],
);

export const calls = sqliteTable(
  "calls",
  {
    callSid: text("call_sid").primaryKey(),
    callerId: text("caller_id"),
    fromNumber: text("from_number").notNull(),
    toNumber: text("to_number").notNull(),
    direction: text("direction").notNull().default("inbound"),
    status: text("status").notNull().default("in-progress"),
    outcome: text("outcome"),
    startedAt: text("started_at").notNull().default(now),
    endedAt: text("ended_at"),
    durationSeconds: integer("duration_seconds"),
    postCallStatus: text("post_call_status", {
      enum: ["none", "queued", "pending_llm", "done", "failed"],
    })
      .notNull()
      .default("none"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    index("calls_caller").on(t.callerId, t.startedAt),
    index("calls_started").on(t.startedAt),
  ],
);

export const transcriptTurns = sqliteTable(
  "transcript_turns",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    callSid: text("call_sid").notNull(),
    seq: integer("seq").notNull(),
    speaker: text("speaker", { enum: ["caller", "agent", "system"] }).notNull(),
    text: text("text").notNull(),
    at: text("at").notNull(),
  },
  (t) => [uniqueIndex("transcript_turns_call_seq").on(t.callSid, t.seq)],
);

export const callSummaries = sqliteTable(
  "call_summaries",
  {
    callSid: text("call_sid").primaryKey(),
    callerId: text("caller_id"),
    summary: text("summary").notNull(),
    method: text("method", { enum: ["llm", "extractive"] }).notNull(),
    sentiment: text("sentiment"),
    /** JSON array of open items (callbacks promised, claims, showings). */
    openItems: text("open_items").notNull().default("[]"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("call_summaries_caller").on(t.callerId, t.createdAt)],
);

export const personalityMetrics = sqliteTable(
  "personality_metrics",
  {
    callSid: text("call_sid").notNull(),
    callerId: text("caller_id").notNull(),
    metric: text("metric").notNull(),
    value: real("value").notNull(),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [
    primaryKey({ columns: [t.callSid, t.metric] }),
    index("personality_metrics_caller").on(t.callerId),
  ],
);

export const personalityAverages = sqliteTable(
  "personality_averages",
  {
    callerId: text("caller_id").notNull(),
    metric: text("metric").notNull(),
    average: real("average").notNull(),
    samples: integer("samples").notNull(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.callerId, t.metric] })],
);

export const leads = sqliteTable(
  "leads",
  {
    id: text("id").primaryKey(),
    callerId: text("caller_id"),
    name: text("name"),
    phone: text("phone"),
    email: text("email"),
    reason: text("reason"),
    source: text("source", { enum: ["call", "manual", "api"] }).notNull(),
    stage: text("stage", { enum: ["new", "contacted", "qualified", "won", "lost"] })
      .notNull()
      .default("new"),
    callSid: text("call_sid"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("leads_stage").on(t.stage, t.updatedAt), index("leads_caller").on(t.callerId)],
);

export const leadEvents = sqliteTable(
  "lead_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    leadId: text("lead_id")
      .notNull()
      .references(() => leads.id),
    type: text("type").notNull(),
    fromStage: text("from_stage"),
    toStage: text("to_stage"),
    note: text("note"),
    actor: text("actor"),
    at: text("at").notNull().default(now),
  },
  (t) => [index("lead_events_lead").on(t.leadId, t.at)],
);

export const smsOutbox = sqliteTable(
  "sms_outbox",
  {
    id: text("id").primaryKey(),
    /** Makes a retried post-call job send each message once. */
    dedupeKey: text("dedupe_key").notNull(),
    toNumber: text("to_number").notNull(),
    body: text("body").notNull(),
    status: text("status", {
      enum: ["queued", "sending", "sent", "delivered", "failed", "undelivered"],
    })
      .notNull()
      .default("queued"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at"),
    providerSid: text("provider_sid"),
    lastError: text("last_error"),
    callSid: text("call_sid"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [
    uniqueIndex("sms_outbox_dedupe").on(t.dedupeKey),
    index("sms_outbox_status").on(t.status, t.nextAttemptAt),
  ],
);
