/** /api/platform/*: operators only. */
import { requirePlatformAdmin } from "../auth/middleware";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { AppError, notFound } from "../http/errors";
import { jsonBody } from "../http/validation";
import { log } from "../observability/log";
import { platformHealth } from "./health";
import { PlatformHealth } from "./health.schema";
import { CreateTenant, UpdateTenant } from "./tenants.schema";
import { createTenant, getTenant, updateTenant } from "./tenants";

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
  .get("/tenants/:id", async (c) => {
    const tenant = await getTenant(c.env, c.req.param("id"));
    if (!tenant) throw notFound("No such tenant");
    return c.json({ tenant });
  })
  .post("/tenants", async (c) => {
    const input = await jsonBody(c, CreateTenant);
    const result = await createTenant(c.env, c.get("principal"), input, c.get("requestId"));
    if (result instanceof AppError) throw result;
    log("info", "tenant.created", {
      requestId: c.get("requestId"),
      tenantId: result.id,
      binding: result.d1Binding,
    });
    return c.json({ tenant: result }, 201);
  })
  .patch("/tenants/:id", async (c) => {
    const input = await jsonBody(c, UpdateTenant);
    const result = await updateTenant(
      c.env,
      c.get("principal"),
      c.req.param("id"),
      input,
      c.get("requestId"),
    );
    if (result instanceof AppError) throw result;
    return c.json({ tenant: result });
  });
