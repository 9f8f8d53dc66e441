/** The Worker's HTTP surface: one chain, one error handler. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { apiDocsRoutes } from "./admin/api-docs.routes";
import { platformAdminRoutes } from "./admin/platform-admin.routes";
import { tenantAdminRoutes } from "./admin/tenant-admin.routes";
import { authRoutes } from "./auth/auth.routes";
import { authenticate } from "./auth/middleware";
import { callRoutes } from "./calls/calls.routes";
import { memoryRoutes } from "./memory/memory.routes";
import { messagingRoutes } from "./messaging/messaging.routes";
import { openApiRoutes } from "./openapi/registry";
import type { AppEnv } from "./http/app-env";
import { AppError, errorBody, handleError } from "./http/errors";
import { requestContext } from "./http/request-context";
import { platformRoutes } from "./tenancy/platform.routes";
import { tenantRoutes } from "./tenancy/tenant.routes";

const MAX_BODY_BYTES = 256 * 1024;

export const app = new Hono<AppEnv>()
  .use(requestContext)
  .use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AppError(413, "payload_too_large", `Body exceeds ${MAX_BODY_BYTES} bytes`);
      },
    }),
  )
  .onError(handleError)
  .notFound((c) =>
    c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404),
  )
  .get("/health", (c) => c.json({ status: "ok", time: new Date().toISOString() }))
  .route("/twilio", callRoutes)
  .route("/twilio", messagingRoutes)
  .use("/api/*", authenticate)
  .route("/api/auth", authRoutes)
  // The admin routers go first: /api/platform/tenants (list) and the tenant tier's access policy.
  .route("/api/platform", platformAdminRoutes)
  .route("/api/platform", platformRoutes)
  .route("/api/tenants/:tenantId", tenantAdminRoutes)
  .route("/api", apiDocsRoutes)
  .route("/api", tenantRoutes)
  .route("/api", openApiRoutes)
  // The memory service's paths, kept as the phone orchestrator calls them (API key auth).
  .use("/v1/*", authenticate)
  .use("/v2/*", authenticate)
  .use("/caller/*", authenticate)
  .use("/memory/*", authenticate)
  .route("/", memoryRoutes);

export type AppType = typeof app;
