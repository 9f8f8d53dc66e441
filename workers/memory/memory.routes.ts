/**
 * The memory service's endpoints, at the paths the phone orchestrator already calls, plus
 * caller forgetting. Tenant = the API key's tenant (a differing `customer_id` is a 403);
 * `user_id` = the caller's phone, normalised to E.164. Shapes: memory-api.schema.ts.
 *
 * The tenant (or, for a body, the principal) is checked in each route's middleware, before
 * validation, so an anonymous or foreign caller learns nothing from 400s.
 */
import type { Context, MiddlewareHandler } from "hono";
import { requirePrincipal } from "../auth/middleware";
import { findCallerByPhone } from "../callers/callers";
import type { AppEnv } from "../http/app-env";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import type { TenantContext } from "../tenancy/tenant-context";
import { tenantForRequest } from "../tenancy/request-tenant";
import { formatContextForAgent, getEnrichedContext } from "./enriched-context";
import { forgetCallerOnRecord } from "./forget";
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
  ProcessCallAccepted,
  ProcessCallBody,
  ProcessCallResponse,
  ProfileQuery,
  ProfileResponse,
  RetrieveBody,
  RetrieveResponse,
  StoreMemoryBody,
  StoreMemoryResponse,
} from "./memory-api.schema";
import { listMemories, rememberFact } from "./memories";
import { phoneFromPath } from "./phone-path";
import { processCall } from "./process-call";
import { searchMemories } from "./search";
import { storeMemory } from "./store";

type C = Context<AppEnv>;
const TAG = "Memory";

/** Query routes: the tenant (and every `customer_id` in the query) before the query's shape. */
const tenantFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set("tenant", await tenantForRequest(c));
  await next();
};

/** Body routes: authenticated before the body is read; the body's `customer_id` is checked after. */
const principalFirst: MiddlewareHandler<AppEnv> = async (c, next) => {
  requirePrincipal(c);
  await next();
};

function tenantOf(c: C): TenantContext {
  const ctx = c.get("tenant");
  if (!ctx) throw new Error("tenantFirst did not run for this route");
  return ctx;
}

function tenantForBody(c: C, body: { customer_id?: string }): Promise<TenantContext> {
  return tenantForRequest(c, { customerId: body.customer_id });
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
  const receipt = unwrap(
    await forgetCallerOnRecord(c.env, ctx, {
      phone,
      principal: c.get("principal"),
      requestId: c.get("requestId"),
    }),
  );
  return { customer_id: ctx.tenantId, user_id: phone, receipt };
}

const receiptResponse = jsonResponse(ForgetResponse, "Receipt of what was erased");

export const memoryRoutes = router()
  .openapi(
    defineRoute({
      method: "get",
      path: "/v1/memories",
      tag: TAG,
      summary: "List a caller's (or the tenant's) memories",
      middleware: tenantFirst,
      request: { query: ListMemoriesQuery },
      responses: { 200: jsonResponse(MemoryListResponse, "Memories, newest first") },
    }),
    async (c) => {
      const ctx = tenantOf(c);
      const q = c.req.valid("query");
      const memories = await listMemories(ctx, {
        phone: q.user_id,
        types: q.type,
        includeHistory: q.include_history ?? false,
        limit: q.limit,
        offset: q.offset,
      });
      return c.json(
        { customer_id: ctx.tenantId, user_id: q.user_id ?? null, memories, count: memories.length },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/v1/memories",
      tag: TAG,
      summary: "Remember a fact (add-only; a changed value supersedes the old one)",
      middleware: principalFirst,
      request: { body: jsonBody(CreateMemoryBody) },
      responses: {
        201: jsonResponse(MemoryWriteResponse, "Added or superseded"),
        200: jsonResponse(MemoryWriteResponse, "Already known (duplicate)"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await tenantForBody(c, body);
      const result = await rememberFact(ctx, {
        phone: body.user_id,
        type: body.type,
        key: body.key,
        value: body.value,
        confidence: body.confidence,
        observedAt: body.observed_at,
        source: { callSid: body.source?.call_sid ?? null, turn: body.source?.turn ?? null },
      });
      const answer = { customer_id: ctx.tenantId, user_id: body.user_id, ...result };
      return result.outcome === "duplicate" ? c.json(answer, 200) : c.json(answer, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/memory/store",
      tag: TAG,
      summary: "Store a memory and/or a template-validated profile patch",
      description: "422 `invalid_profile` when every part of a profile-only patch was invalid.",
      middleware: principalFirst,
      request: { body: jsonBody(StoreMemoryBody) },
      responses: {
        201: jsonResponse(StoreMemoryResponse, "Stored"),
        200: jsonResponse(StoreMemoryResponse, "Duplicate or profile only"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await tenantForBody(c, body);
      const stored = unwrap(
        await storeMemory(ctx, {
          phone: body.user_id,
          type: body.type,
          key: body.key,
          content: body.content ?? body.value,
          confidence: body.confidence,
          observedAt: body.observed_at,
          source: { callSid: body.source?.call_sid ?? null, turn: body.source?.turn ?? null },
          profile: body.profile,
        }),
      );
      const answer = {
        customer_id: ctx.tenantId,
        user_id: body.user_id,
        outcome: stored.remembered?.outcome ?? null,
        memory: stored.remembered?.memory ?? null,
        profile: stored.profile,
      };
      return stored.remembered && stored.remembered.outcome !== "duplicate"
        ? c.json(answer, 201)
        : c.json(answer, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/memory/retrieve",
      tag: TAG,
      summary: "Hybrid search (BM25 + vectors, reciprocal rank fusion)",
      middleware: principalFirst,
      request: { body: jsonBody(RetrieveBody) },
      responses: { 200: jsonResponse(RetrieveResponse, "Ranked results") },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await tenantForBody(c, body);
      const results = await searchMemories(ctx, {
        query: body.query,
        phone: body.user_id,
        types: body.types,
        since: body.since,
        until: body.until,
        limit: body.limit,
        includeHistory: body.include_history,
      });
      return c.json(
        {
          customer_id: ctx.tenantId,
          user_id: body.user_id ?? null,
          query: body.query,
          results,
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/v2/context/enriched",
      tag: TAG,
      summary: "Everything the agent should know about a caller (no LLM, deadline-bounded)",
      middleware: tenantFirst,
      request: { query: EnrichedQuery },
      responses: {
        200: jsonResponse(EnrichedResponse, "Context, partial when the deadline passed"),
      },
    }),
    async (c) => {
      const ctx = tenantOf(c);
      const q = c.req.valid("query");
      const context = await getEnrichedContext(ctx, q.user_id, { deadlineMs: q.deadline_ms });
      return c.json(
        {
          customer_id: ctx.tenantId,
          user_id: q.user_id,
          context,
          prompt: formatContextForAgent(context),
        },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/v2/process-call",
      tag: TAG,
      summary: "Run (or re-run pending) post-call steps for a call, or ingest a transcript",
      description:
        "404 when there is no such call; 409 when an ingested call_sid is already recorded; " +
        "422 when the tenant has no number to record it against; 502 when the LLM or the run failed.",
      middleware: principalFirst,
      request: { body: jsonBody(ProcessCallBody) },
      responses: {
        200: jsonResponse(ProcessCallResponse, "Pipeline outcome"),
        202: jsonResponse(ProcessCallAccepted, "Still running (a step waits for its retry)"),
      },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await tenantForBody(c, body);
      const processed = unwrap(
        await processCall(
          c.env,
          ctx,
          {
            callSid: body.call_sid,
            ingest:
              body.transcript && body.user_id
                ? { phone: body.user_id, toNumber: body.to_number, transcript: body.transcript }
                : undefined,
          },
          c.get("requestId"),
        ),
      );
      if (!processed.finished)
        return c.json(
          {
            customer_id: ctx.tenantId,
            call_sid: processed.callSid,
            run_id: processed.runId,
            result: null,
          },
          202,
        );
      return c.json(
        { customer_id: ctx.tenantId, call_sid: processed.callSid, result: processed.outcome },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/caller/profile/{phone}",
      tag: TAG,
      summary: "A caller's template-validated profile and bio",
      middleware: tenantFirst,
      request: { params: PhoneParam, query: ProfileQuery },
      responses: {
        200: jsonResponse(ProfileResponse, "Profile (known: false for an unknown number)"),
      },
    }),
    async (c) => {
      const ctx = tenantOf(c);
      return c.json(await profileAnswer(ctx, phoneFromPath(c.req.valid("param").phone)), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/caller/{phone}",
      tag: TAG,
      summary: "Forget a caller: erase everything of theirs in this tenant",
      middleware: tenantFirst,
      request: { params: PhoneParam },
      responses: { 200: receiptResponse },
    }),
    async (c) => {
      const ctx = tenantOf(c);
      return c.json(await forgetAnswer(c, ctx, phoneFromPath(c.req.valid("param").phone)), 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/v2/forget",
      tag: TAG,
      summary: "Forget a caller (body form)",
      middleware: principalFirst,
      request: { body: jsonBody(ForgetBody) },
      responses: { 200: receiptResponse },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const ctx = await tenantForBody(c, body);
      return c.json(await forgetAnswer(c, ctx, body.user_id), 200);
    },
  );
