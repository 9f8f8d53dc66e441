/**
 * Data-plane schema: one copy per tenant, in that tenant's own D1 database.
 * Nothing here carries a tenant id: which database you hold is the tenant.
 */
import { sql } from "drizzle-orm";
import {
  customType,
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
    /** Why the call ended: caller_hangup, agent_ended, transferred, message_taken, stream_lost, failed… */
    endReason: text("end_reason"),
    transferredTo: text("transferred_to"),
    /** Names of the tools the agent used, JSON array, for the call log. */
    toolsUsed: text("tools_used").notNull().default("[]"),
    modelInputTokens: integer("model_input_tokens").notNull().default(0),
    modelOutputTokens: integer("model_output_tokens").notNull().default(0),
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

/** Messages callers leave for the business (take-a-message tool, or a recording after the call). */
export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    callSid: text("call_sid"),
    callerId: text("caller_id"),
    callerName: text("caller_name"),
    callbackNumber: text("callback_number"),
    body: text("body").notNull(),
    urgency: text("urgency", { enum: ["low", "normal", "high"] })
      .notNull()
      .default("normal"),
    recordingUrl: text("recording_url"),
    status: text("status", { enum: ["new", "read", "done"] })
      .notNull()
      .default("new"),
    createdAt: text("created_at").notNull().default(now),
  },
  (t) => [index("messages_status").on(t.status, t.createdAt)],
);

/**
 * A vector stored as Float32 little-endian bytes (DDL type `blob`). D1 is given a copy of the
 * bytes as an ArrayBuffer and hands a blob back as an ArrayBuffer or an array of bytes.
 */
const float32Blob = customType<{ data: Float32Array; driverData: ArrayBuffer }>({
  dataType: () => "blob",
  toDriver: (vector) => new Float32Array(vector).buffer,
  fromDriver: (value: unknown) => {
    if (value instanceof ArrayBuffer) return new Float32Array(value.slice(0));
    if (ArrayBuffer.isView(value))
      return new Float32Array(
        new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice().buffer,
      );
    if (Array.isArray(value)) return new Float32Array(Uint8Array.from(value as number[]).buffer);
    return new Float32Array(0);
  },
});

/** The local vector store: embeddings beside the memories they index (Vectorize in production). */
export const memoryVectors = sqliteTable(
  "memory_vectors",
  {
    memoryId: integer("memory_id").primaryKey(),
    callerId: text("caller_id").notNull(),
    embedding: float32Blob("embedding").notNull(),
    model: text("model").notNull(),
    dimensions: integer("dimensions").notNull(),
    updatedAt: text("updated_at").notNull().default(now),
  },
  (t) => [index("memory_vectors_caller").on(t.callerId)],
);

/** One row per CallSid: makes the post-call pipeline idempotent step by step across retries. */
export const postCallJobs = sqliteTable("post_call_jobs", {
  callSid: text("call_sid").primaryKey(),
  status: text("status", { enum: ["queued", "running", "pending_llm", "done", "failed"] })
    .notNull()
    .default("queued"),
  /** JSON object: step name → "done" | "pending" | "failed". */
  steps: text("steps").notNull().default("{}"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
  createdAt: text("created_at").notNull().default(now),
  updatedAt: text("updated_at").notNull().default(now),
});
