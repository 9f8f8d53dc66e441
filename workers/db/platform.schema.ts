/**
 * Control-plane schema (PLATFORM_DB): who the tenants are and where their data lives.
 * Tenant data itself never lives here; see tenant.schema.ts.
 */
import { sql } from "drizzle-orm";
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";

const createdAt = () =>
  text("created_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
const updatedAt = () =>
  text("updated_at")
    .notNull()
    .default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const tenants = sqliteTable(
  "tenants",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    businessName: text("business_name").notNull(),
    status: text("status", { enum: ["active", "suspended", "offboarded"] })
      .notNull()
      .default("active"),
    templateName: text("template_name").notNull(),
    templateVersion: integer("template_version").notNull(),
    /** AgentConfig as JSON, validated on every write and read. */
    agentConfig: text("agent_config").notNull(),
    /** Name of the D1 binding that holds this tenant's data. Unique: one database, one tenant. */
    d1Binding: text("d1_binding").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("tenants_slug_unique").on(t.slug),
    uniqueIndex("tenants_d1_binding_unique").on(t.d1Binding),
  ],
);

/** The warm pool and the assigned databases: every tenant database binding the deploy carries. */
export const tenantDatabases = sqliteTable("tenant_databases", {
  binding: text("binding").primaryKey(),
  databaseName: text("database_name").notNull(),
  status: text("status", { enum: ["available", "assigned", "retired"] })
    .notNull()
    .default("available"),
  tenantId: text("tenant_id"),
  createdAt: createdAt(),
  claimedAt: text("claimed_at"),
});

export const phoneNumbers = sqliteTable(
  "phone_numbers",
  {
    e164: text("e164").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    label: text("label"),
    createdAt: createdAt(),
  },
  (t) => [index("phone_numbers_tenant").on(t.tenantId)],
);

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    displayName: text("display_name"),
    /** `pbkdf2-sha256$iterations$salt$hash`; null until an invitation is accepted. */
    passwordHash: text("password_hash"),
    isPlatformAdmin: integer("is_platform_admin", { mode: "boolean" }).notNull().default(false),
    status: text("status", { enum: ["active", "invited", "disabled"] })
      .notNull()
      .default("active"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    role: text("role", { enum: ["owner", "admin", "staff"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.tenantId] }),
    index("memberships_tenant").on(t.tenantId),
  ],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the session token: a leaked table does not leak live sessions. */
    idHash: text("id_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: text("expires_at").notNull(),
    createdAt: createdAt(),
    lastSeenAt: text("last_seen_at"),
    ipAddress: text("ip_address"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user").on(t.userId)],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    /** Visible part of the key, shown in lists so a key can be recognised. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key; the key itself is shown once and never stored. */
    keyHash: text("key_hash").notNull(),
    createdBy: text("created_by"),
    createdAt: createdAt(),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_keys_prefix_unique").on(t.prefix),
    index("api_keys_tenant").on(t.tenantId),
  ],
);

/** Published industry templates. Rows are immutable (a trigger refuses updates). */
export const industryTemplates = sqliteTable(
  "industry_templates",
  {
    name: text("name").notNull(),
    version: integer("version").notNull(),
    label: text("label").notNull(),
    definition: text("definition").notNull(),
    publishedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

export const tenantSecrets = sqliteTable(
  "tenant_secrets",
  {
    tenantId: text("tenant_id")
      .notNull()
      .references(() => tenants.id),
    name: text("name").notNull(),
    /** base64(iv || AES-GCM ciphertext) under the tenant's data key. */
    ciphertext: text("ciphertext").notNull(),
    /** The tenant's data key, wrapped by the platform master key (AES-KW via AES-GCM). */
    wrappedKey: text("wrapped_key").notNull(),
    keyVersion: integer("key_version").notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.name] })],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: createdAt(),
    actorType: text("actor_type", { enum: ["user", "api_key", "system", "twilio"] }).notNull(),
    actorId: text("actor_id"),
    tenantId: text("tenant_id"),
    action: text("action").notNull(),
    target: text("target"),
    detail: text("detail"),
    requestId: text("request_id"),
  },
  (t) => [index("audit_log_tenant_at").on(t.tenantId, t.at)],
);

export const usageDaily = sqliteTable(
  "usage_daily",
  {
    tenantId: text("tenant_id").notNull(),
    day: text("day").notNull(),
    calls: integer("calls").notNull().default(0),
    callSeconds: integer("call_seconds").notNull().default(0),
    modelInputTokens: integer("model_input_tokens").notNull().default(0),
    modelOutputTokens: integer("model_output_tokens").notNull().default(0),
    smsSent: integer("sms_sent").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.day] })],
);

/** Invitations and admin-issued password resets: single-use links, only a hash of the token stored. */
export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    kind: text("kind", { enum: ["invite", "reset"] }).notNull(),
    email: text("email").notNull(),
    /** Null for a platform-admin invitation or a reset. */
    tenantId: text("tenant_id"),
    role: text("role", { enum: ["owner", "admin", "staff", "platform_admin"] }),
    createdBy: text("created_by"),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_unique").on(t.tokenHash),
    index("invitations_email").on(t.email),
  ],
);

/**
 * Failed logins per key (an account from an address, or an address), for throttling with backoff
 * (workers/auth/throttle.ts); window_started_at is the time of the key's last failure.
 */
export const loginAttempts = sqliteTable("login_attempts", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull().default(0),
  windowStartedAt: text("window_started_at").notNull(),
  lockedUntil: text("locked_until"),
});
