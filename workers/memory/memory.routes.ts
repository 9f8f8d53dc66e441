/**
 * The memory service's endpoints, at the paths the phone orchestrator already calls, plus
 * caller forgetting. Tenant = the API key's tenant (a differing `customer_id` is a 403);
 * `user_id` = the caller's phone, normalised to E.164. Shapes: memory-api.schema.ts.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { audit } from "../audit/audit";
import { requirePrincipal } from "../auth/middleware";
import { findCallerByPhone, updateCallerProfile } from "../callers/callers";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { AppError, badRequest, conflict, notFound } from "../http/errors";
import { jsonBody, queryWith } from "../http/validation";
import { sha256Hex } from "../lib/crypto";
import { normalizePhone } from "../lib/phone";
import { registerRoute, registerSchema } from "../openapi/registry";
import { runPostCallNow } from "../post-call/start";
import { twilioRestFor } from "../twilio/rest";
import type { TenantContext } from "../tenancy/tenant-context";
import { tenantForRequest } from "../tenancy/request-tenant";
import { formatContextForAgent, getEnrichedContext } from "./enriched-context";
import { forgetCaller } from "./forget";
import {
  CreateMemoryBody,
  EnrichedQuery,
  EnrichedResponse,
  ForgetBody,
  ForgetResponse,
  ListMemoriesQuery,
  MemoryListResponse,
  MemoryWriteResponse,
  PhoneParam,
  ProcessCallBody,
  ProcessCallResponse,
  ProfileQuery,
  ProfileResponse,
  RetrieveBody,
  RetrieveResponse,
  StoreMemoryBody,
  StoreMemoryResponse,
} from "./memory-api.schema";
import { MemoryHit, MemoryView } from "./memory.schema";
import { listMemories, rememberFact } from "./memories";
import { searchMemories } from "./search";
import { EnrichedContext } from "./enriched-context";

type C = Context<AppEnv>;

/**
 * The tenant's own number an ingested call is recorded against: `requested` when it is one of
 * the tenant's numbers, else the tenant's first number. A tenant without numbers cannot record
 * calls (to_number is required on a call record): a 422 that says so.
 */
async function tenantLineFor(c: C, tenantId: string, requested?: string): Promise<string> {
  const rows = await c.env.PLATFORM_DB.prepare(
    "SELECT e164 FROM phone_numbers WHERE tenant_id = ? ORDER BY created_at, e164",
  )
    .bind(tenantId)
    .all<{ e164: string }>();
  const numbers = rows.results.map((r) => r.e164);
  if (requested !== undefined) {
    if (!numbers.includes(requested))
      throw new AppError(
        422,
        "unknown_number",
        `to_number: ${requested} is not one of this tenant's phone numbers`,
      );
    return requested;
  }
  const first = numbers[0];
  if (first === undefined)
    throw new AppError(
      422,
      "no_phone_number",
      "This tenant has no phone number to record the call against; add one first",
    );
  return first;
}

function phoneParam(c: C): string {
  let raw = c.req.param("phone") ?? "";
  try {
    raw = decodeURIComponent(raw);
  } catch {
    throw badRequest("phone: is not a valid URL-encoded phone number");
  }
  const phone = normalizePhone(raw);
  if (!phone) throw badRequest("phone: must be a phone number, e.g. +19495550100");
  return phone;
}

async function tenantForQuery(c: C): Promise<TenantContext> {
  return tenantForRequest(c);
}

/** Authenticate before validating a body, so an anonymous caller learns nothing from 400s. */
async function bodyAndTenant<S extends Parameters<typeof jsonBody>[1]>(
  c: C,
  schema: S,
): Promise<{ body: Awaited<ReturnType<typeof jsonBody<S>>>; ctx: TenantContext }> {
  requirePrincipal(c);
  const body = await jsonBody(c, schema);
  const customerId = (body as { customer_id?: string }).customer_id;
  const ctx = await tenantForRequest(c, { customerId });
  return { body, ctx };
}

/** A stable key for free-text notes: equal content → equal key, so exact repeats dedupe. */
async function derivedKey(type: string, content: string): Promise<string> {
  const normalized = content.toLowerCase().replace(/\s+/g, " ").trim();
  return `${type}:${(await sha256Hex(normalized)).slice(0, 12)}`;
}

async function profileAnswer(ctx: TenantContext, phone: string) {
  const caller = await findCallerByPhone(ctx, phone);
  return {
    customer_id: ctx.tenantId,
    user_id: phone,
    known: caller !== null,
    first_name: caller?.firstName ?? null,
    last_name: caller?.lastName ?? null,
    profile: caller?.profile ?? {},
    profile_template: caller?.profileTemplate ?? null,
    bio: caller?.bio ?? "",
    call_count: caller?.callCount ?? 0,
    last_call_at: caller?.lastCallAt ?? null,
    updated_at: caller?.updatedAt ?? null,
  };
}

async function forgetAnswer(c: C, ctx: TenantContext, phone: string) {
  const receipt = await forgetCaller(ctx, phone, {
    callSessions: c.env.CALL_SESSION,
    twilio: () => twilioRestFor(c.env, ctx.tenantId),
  });
  if (receipt instanceof AppError) throw receipt;
  await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
    action: "caller.forgotten",
    tenantId: ctx.tenantId,
    // The number itself is not kept: a forgotten caller must not live on in the audit log.
    target: `caller:${(await sha256Hex(`${ctx.tenantId}:${phone}`)).slice(0, 16)}`,
    detail: { ...receipt.erased },
    requestId: c.get("requestId"),
  });
  return { customer_id: ctx.tenantId, user_id: phone, receipt };
}

export const memoryRoutes = new Hono<AppEnv>()
  .get("/v1/memories", async (c) => {
    const ctx = await tenantForQuery(c);
    const q = queryWith(c, ListMemoriesQuery);
    const memories = await listMemories(ctx, {
      phone: q.user_id,
      types: q.type,
      includeHistory: q.include_history ?? false,
      limit: q.limit,
      offset: q.offset,
    });
    return c.json({
      customer_id: ctx.tenantId,
      user_id: q.user_id ?? null,
      memories,
      count: memories.length,
    });
  })
  .post("/v1/memories", async (c) => {
    const { body, ctx } = await bodyAndTenant(c, CreateMemoryBody);
    const result = await rememberFact(ctx, {
      phone: body.user_id,
      type: body.type,
      key: body.key,
      value: body.value,
      confidence: body.confidence,
      observedAt: body.observed_at,
      source: { callSid: body.source?.call_sid ?? null, turn: body.source?.turn ?? null },
    });
    return c.json(
      { customer_id: ctx.tenantId, user_id: body.user_id, ...result },
      result.outcome === "duplicate" ? 200 : 201,
    );
  })
  .post("/memory/store", async (c) => {
    const { body, ctx } = await bodyAndTenant(c, StoreMemoryBody);
    const content = body.content ?? body.value;
    let profile: {
      applied: string[];
      rejected: { path: string; message: string }[];
      bio: string;
    } | null = null;
    if (body.profile) {
      const update = await updateCallerProfile(ctx, body.user_id, body.profile);
      if (update.applied.length === 0 && update.rejected.length > 0 && content === undefined) {
        throw new AppError(
          422,
          "invalid_profile",
          `Profile patch rejected: ${update.rejected
            .slice(0, 5)
            .map((r) => `${r.path}: ${r.message}`)
            .join("; ")}`,
          update.rejected,
        );
      }
      profile = {
        applied: update.applied,
        rejected: update.rejected,
        bio: update.caller?.bio ?? "",
      };
    }
    let result: Awaited<ReturnType<typeof rememberFact>> | null = null;
    if (content !== undefined) {
      result = await rememberFact(ctx, {
        phone: body.user_id,
        type: body.type,
        key: body.key ?? (await derivedKey(body.type, content)),
        value: content,
        confidence: body.confidence,
        observedAt: body.observed_at,
        source: { callSid: body.source?.call_sid ?? null, turn: body.source?.turn ?? null },
      });
    }
    return c.json(
      {
        customer_id: ctx.tenantId,
        user_id: body.user_id,
        outcome: result?.outcome ?? null,
        memory: result?.memory ?? null,
        profile,
      },
      result && result.outcome !== "duplicate" ? 201 : 200,
    );
  })
  .post("/memory/retrieve", async (c) => {
    const { body, ctx } = await bodyAndTenant(c, RetrieveBody);
    const results = await searchMemories(ctx, {
      query: body.query,
      phone: body.user_id,
      types: body.types,
      since: body.since,
      until: body.until,
      limit: body.limit,
      includeHistory: body.include_history,
    });
    return c.json({
      customer_id: ctx.tenantId,
      user_id: body.user_id ?? null,
      query: body.query,
      results,
    });
  })
  .get("/v2/context/enriched", async (c) => {
    const ctx = await tenantForQuery(c);
    const q = queryWith(c, EnrichedQuery);
    const context = await getEnrichedContext(ctx, q.user_id, { deadlineMs: q.deadline_ms });
    return c.json({
      customer_id: ctx.tenantId,
      user_id: q.user_id,
      context,
      prompt: formatContextForAgent(context),
    });
  })
  .post("/v2/process-call", async (c) => {
    const { body, ctx } = await bodyAndTenant(c, ProcessCallBody);
    let callSid = body.call_sid;
    if (body.transcript && body.user_id) {
      callSid ??= `CA${crypto.randomUUID().replace(/-/g, "")}`;
      const existing = await ctx.d1
        .prepare("SELECT call_sid FROM calls WHERE call_sid = ?")
        .bind(callSid)
        .first();
      if (existing)
        throw conflict(`Call ${callSid} is already recorded; send only call_sid to re-run it`);
      const toNumber = await tenantLineFor(c, ctx.tenantId, body.to_number);
      const now = new Date().toISOString();
      await ctx.d1.batch([
        ctx.d1
          .prepare(
            `INSERT INTO calls (call_sid, from_number, to_number, status, started_at, ended_at, post_call_status)
             VALUES (?, ?, ?, 'completed', ?, ?, 'queued')`,
          )
          .bind(callSid, body.user_id, toNumber, body.transcript[0]?.at ?? now, now),
        ...body.transcript.map((turn, seq) =>
          ctx.d1
            .prepare(
              "INSERT INTO transcript_turns (call_sid, seq, speaker, text, at) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(callSid, seq, turn.speaker, turn.text, turn.at ?? now),
        ),
      ]);
    }
    if (!callSid) throw badRequest("call_sid: required");
    // A workflow run (post-call/start.ts says which instance); its outcome when it ends in time.
    const run = await runPostCallNow(c.env, ctx, callSid, { requestId: c.get("requestId") });
    if (run.kind === "missing" || (run.kind === "finished" && run.outcome.status === "missing"))
      throw notFound(`No call ${callSid} in this tenant`);
    if (run.kind === "failed")
      throw run.llm
        ? new AppError(
            502,
            "llm_failed",
            "The language model failed; the steps stay pending. Try again later.",
          )
        : new AppError(502, "post_call_failed", "The post-call run failed. Try again later.");
    if (run.kind === "running")
      return c.json(
        { customer_id: ctx.tenantId, call_sid: callSid, run_id: run.runId, result: null },
        202,
      );
    const result = run.outcome;
    return c.json({ customer_id: ctx.tenantId, call_sid: callSid, result });
  })
  .get("/caller/profile/:phone", async (c) => {
    const ctx = await tenantForQuery(c);
    queryWith(c, ProfileQuery);
    return c.json(await profileAnswer(ctx, phoneParam(c)));
  })
  .delete("/caller/:phone", async (c) => {
    const ctx = await tenantForQuery(c);
    return c.json(await forgetAnswer(c, ctx, phoneParam(c)));
  })
  .post("/v2/forget", async (c) => {
    const { body, ctx } = await bodyAndTenant(c, ForgetBody);
    return c.json(await forgetAnswer(c, ctx, body.user_id));
  });

/** The tenant-admin route (mounted under tenantRoutes): owners and admins only. */
export async function forgetForTenantAdmin(c: C, ctx: TenantContext) {
  if (
    ctx.via === "user" &&
    ctx.role !== "owner" &&
    ctx.role !== "admin" &&
    ctx.role !== "platform_admin"
  )
    throw new AppError(403, "forbidden", "Only owners and admins may forget a caller");
  return forgetAnswer(c, ctx, phoneParam(c));
}

const TAG = "Memory";
registerSchema("Memory", MemoryView);
registerSchema("MemoryHit", MemoryHit);
registerSchema("EnrichedContext", EnrichedContext);
registerRoute({
  method: "get",
  path: "/v1/memories",
  tag: TAG,
  summary: "List a caller's (or the tenant's) memories",
  query: ListMemoriesQuery,
  responses: { 200: { description: "Memories, newest first", schema: MemoryListResponse } },
});
registerRoute({
  method: "post",
  path: "/v1/memories",
  tag: TAG,
  summary: "Remember a fact (add-only; a changed value supersedes the old one)",
  body: CreateMemoryBody,
  responses: {
    201: { description: "Added or superseded", schema: MemoryWriteResponse },
    200: { description: "Already known (duplicate)", schema: MemoryWriteResponse },
  },
});
registerRoute({
  method: "post",
  path: "/memory/store",
  tag: TAG,
  summary: "Store a memory and/or a template-validated profile patch",
  body: StoreMemoryBody,
  responses: {
    201: { description: "Stored", schema: StoreMemoryResponse },
    200: { description: "Duplicate or profile only", schema: StoreMemoryResponse },
    422: { description: "Every part of the profile patch was invalid" },
  },
});
registerRoute({
  method: "post",
  path: "/memory/retrieve",
  tag: TAG,
  summary: "Hybrid search (BM25 + vectors, reciprocal rank fusion)",
  body: RetrieveBody,
  responses: { 200: { description: "Ranked results", schema: RetrieveResponse } },
});
registerRoute({
  method: "get",
  path: "/v2/context/enriched",
  tag: TAG,
  summary: "Everything the agent should know about a caller (no LLM, deadline-bounded)",
  query: EnrichedQuery,
  responses: {
    200: { description: "Context, partial when the deadline passed", schema: EnrichedResponse },
  },
});
registerRoute({
  method: "post",
  path: "/v2/process-call",
  tag: TAG,
  summary: "Run (or re-run pending) post-call steps for a call, or ingest a transcript",
  body: ProcessCallBody,
  responses: {
    200: { description: "Pipeline outcome", schema: ProcessCallResponse },
    202: { description: "Still running (a step waits for its retry); result null" },
    404: { description: "No such call" },
    502: { description: "The LLM failed, or the run failed" },
  },
});
registerRoute({
  method: "get",
  path: "/caller/profile/{phone}",
  tag: TAG,
  summary: "A caller's template-validated profile and bio",
  params: PhoneParam,
  query: ProfileQuery,
  responses: {
    200: { description: "Profile (known: false for an unknown number)", schema: ProfileResponse },
  },
});
registerRoute({
  method: "delete",
  path: "/caller/{phone}",
  tag: TAG,
  summary: "Forget a caller: erase everything of theirs in this tenant",
  params: PhoneParam,
  responses: { 200: { description: "Receipt of what was erased", schema: ForgetResponse } },
});
registerRoute({
  method: "post",
  path: "/v2/forget",
  tag: TAG,
  summary: "Forget a caller (body form)",
  body: ForgetBody,
  responses: { 200: { description: "Receipt of what was erased", schema: ForgetResponse } },
});
registerRoute({
  method: "post",
  path: "/api/tenants/{tenantId}/callers/{phone}/forget",
  tag: TAG,
  security: "apiKeyOrSession",
  summary: "Forget a caller (tenant admin: owner or admin)",
  params: PhoneParam.extend({ tenantId: PhoneParam.shape.phone.describe("Tenant id") }),
  responses: { 200: { description: "Receipt of what was erased", schema: ForgetResponse } },
});
