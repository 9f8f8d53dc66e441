/** `/api/platform/health`: operators only. Which tenant and pool databases can be served. */
import { requirePlatformAdmin } from "../auth/middleware";
import { defineRoute, jsonResponse, router } from "../http/contract";
import { platformHealth } from "./health";
import { PlatformHealth } from "./health.schema";

const platform = router();
// Chained methods return plain Hono types, so middleware is added before the typed chain starts.
platform.use(async (c, next) => {
  requirePlatformAdmin(c);
  await next();
});

export const platformHealthRoutes = platform.openapi(
  defineRoute({
    method: "get",
    path: "/health",
    tag: "Platform",
    security: "session",
    summary: "Which tenants can be served (database bound and migrated) and the warm pool",
    responses: { 200: jsonResponse(PlatformHealth, "Health of every tenant and pool database") },
  }),
  async (c) => c.json(await platformHealth(c.env), 200),
);
