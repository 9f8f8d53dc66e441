/** /api/platform/*: operators only. The tenants themselves are workers/tenants/tenants.routes.ts. */
import { createApiKey } from "../auth/api-keys";
import { requirePlatformAdmin } from "../auth/middleware";
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { notFound } from "../http/errors";
import { jsonBody } from "../http/validation";
import { platformHealth } from "./health";
import { PlatformHealth } from "./health.schema";
import { getTenant } from "../tenants/tenants";
import { CreateApiKey } from "../tenants/tenants.schema";

const platform = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
platform.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformRoutes = platform
  .openapi(
    defineRoute({
      method: "get",
      path: "/health",
      tag: "Platform",
      security: "session",
      summary: "Which tenants can be served (database bound and migrated) and the warm pool",
      responses: { 200: jsonResponse(PlatformHealth, "Health of every tenant and pool database") },
    }),
    async (c) => c.json(await platformHealth(c.env), 200),
  )
  .post("/tenants/:id/api-keys", async (c) => {
    const input = await jsonBody(c, CreateApiKey);
    const tenantId = c.req.param("id");
    const tenant = await getTenant(c.env, tenantId);
    if (!tenant) throw notFound("No such tenant");
    const db = platformDb(c.env.PLATFORM_DB);
    const principal = c.get("principal");
    const created = await createApiKey(
      db,
      tenantId,
      input.name,
      principal?.kind === "user" ? principal.userId : null,
    );
    await audit(db, principal, {
      action: "api_key.create",
      tenantId,
      target: created.prefix,
      detail: { name: input.name },
      requestId: c.get("requestId"),
    });
    return c.json({ apiKey: created }, 201);
  });
