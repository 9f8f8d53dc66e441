/**
 * Tenant API keys: the tenant's own admins manage them (`/api/tenants/:tenantId/api-keys`, after
 * the tier's access policy in workers/app.ts); an operator issues one for any tenant
 * (`/api/platform/tenants/{id}/api-keys`).
 */
import { z } from "zod";
import { requirePlatformAdmin } from "../auth/middleware";
import { platformDb } from "../db/handles";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { notFound } from "../http/errors";
import { authorized, permit } from "../tenancy/tenant-access";
import { getTenant } from "../tenants/tenants";
import { issueApiKey } from "./api-keys";
import { ApiKeyView, CreateApiKeyRequest, CreatedApiKey } from "./api-keys.schema";
import { listApiKeys, revokeApiKey } from "./key-admin";

const TAG = "API keys";
const TenantParams = z.object({ tenantId: z.string() });
const Created = z.object({ apiKey: CreatedApiKey });

const tenantKeys = router();

export const tenantApiKeyRoutes = tenantKeys
  .openapi(
    defineRoute({
      method: "get",
      path: "/api-keys",
      tag: TAG,
      security: "session",
      summary: "API keys (never the key itself)",
      middleware: permit("api_keys.read"),
      request: { params: TenantParams },
      responses: { 200: jsonResponse(z.object({ apiKeys: z.array(ApiKeyView) }), "The keys") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      return c.json(
        { apiKeys: await listApiKeys(platformDb(c.env.PLATFORM_DB), ctx.tenantId) },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/api-keys",
      tag: TAG,
      security: "session",
      summary: "Create an API key (shown once)",
      middleware: permit("api_keys.manage"),
      request: { params: TenantParams, body: jsonBody(CreateApiKeyRequest) },
      responses: { 201: jsonResponse(Created, "Created; the key is shown this once") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const apiKey = await issueApiKey(
        platformDb(c.env.PLATFORM_DB),
        c.get("principal"),
        ctx.tenantId,
        c.req.valid("json").name,
        c.get("requestId"),
      );
      return c.json({ apiKey }, 201);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/api-keys/{id}",
      tag: TAG,
      security: "session",
      summary: "Revoke an API key",
      middleware: permit("api_keys.manage"),
      request: { params: TenantParams.extend({ id: z.string() }) },
      responses: { 200: jsonResponse(z.object({ apiKey: ApiKeyView }), "Revoked") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const apiKey = unwrap(
        await revokeApiKey(
          platformDb(c.env.PLATFORM_DB),
          c.get("principal"),
          ctx.tenantId,
          c.req.valid("param").id,
          c.get("requestId"),
        ),
      );
      return c.json({ apiKey }, 200);
    },
  );

const platformKeys = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
platformKeys.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformApiKeyRoutes = platformKeys.openapi(
  defineRoute({
    method: "post",
    path: "/tenants/{id}/api-keys",
    tag: TAG,
    security: "session",
    summary: "Create an API key for a tenant (shown once)",
    request: { params: z.object({ id: z.string() }), body: jsonBody(CreateApiKeyRequest) },
    responses: { 201: jsonResponse(Created, "Created; the key is shown this once") },
  }),
  async (c) => {
    const tenant = await getTenant(c.env, c.req.valid("param").id);
    if (!tenant) throw notFound("No such tenant");
    const apiKey = await issueApiKey(
      platformDb(c.env.PLATFORM_DB),
      c.get("principal"),
      tenant.id,
      c.req.valid("json").name,
      c.get("requestId"),
    );
    return c.json({ apiKey }, 201);
  },
);
