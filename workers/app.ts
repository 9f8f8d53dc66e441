/** The Worker's HTTP surface: one chain, one error handler. */
import { bodyLimit } from "hono/body-limit";
import { tenantAccess } from "./admin/access";
import { apiDocsRoutes } from "./admin/api-docs.routes";
import { platformAdminRoutes } from "./admin/platform-admin.routes";
import { platformApiKeyRoutes, tenantApiKeyRoutes } from "./api-keys/api-keys.routes";
import { platformAuditRoutes, tenantAuditRoutes } from "./audit/audit.routes";
import { tenantAdminRoutes } from "./admin/tenant-admin.routes";
import { authRoutes } from "./auth/auth.routes";
import { authenticate } from "./auth/middleware";
import { callRoutes } from "./calls/calls.routes";
import { memoryRoutes } from "./memory/memory.routes";
import { messagingRoutes } from "./messaging/messaging.routes";
import { buildOpenApiDocument } from "./openapi/registry";
import { SECURITY_SCHEMES, router } from "./http/contract";
import { AppError, errorBody, handleError } from "./http/errors";
import { requestContext } from "./http/request-context";
import { tenantSecretRoutes } from "./secrets/secrets.routes";
import { platformTeamRoutes, tenantTeamRoutes } from "./team/team.routes";
import { platformRoutes } from "./tenancy/platform.routes";
import { tenantRoutes } from "./tenancy/tenant.routes";
import { platformUsageRoutes } from "./usage/usage.routes";
import { platformUserRoutes } from "./users/users.routes";

const MAX_BODY_BYTES = 256 * 1024;

/** Kept apart from the chain: Hono's chained methods return plain `Hono` types. */
const root = router();

export const app = root
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
  .route("/api/platform", platformTeamRoutes)
  .route("/api/platform", platformApiKeyRoutes)
  .route("/api/platform", platformAuditRoutes)
  .route("/api/platform", platformUsageRoutes)
  .route("/api/platform", platformUserRoutes)
  // The tenant tier's access policy, once for all its routers (a router's own `use` would run
  // again for every router mounted after it under the same prefix).
  .use("/api/tenants/:tenantId/*", tenantAccess)
  .route("/api/tenants/:tenantId", tenantAdminRoutes)
  .route("/api/tenants/:tenantId", tenantTeamRoutes)
  .route("/api/tenants/:tenantId", tenantApiKeyRoutes)
  .route("/api/tenants/:tenantId", tenantSecretRoutes)
  .route("/api/tenants/:tenantId", tenantAuditRoutes)
  .route("/api", apiDocsRoutes)
  .route("/api", tenantRoutes)
  .get("/api/openapi.json", (c) => c.json(openApiDocument(c.env.PUBLIC_BASE_URL)))
  // The memory service's paths, kept as the phone orchestrator calls them (API key auth).
  .use("/v1/*", authenticate)
  .use("/v2/*", authenticate)
  .use("/caller/*", authenticate)
  .use("/memory/*", authenticate)
  .route("/", memoryRoutes);

export type AppType = typeof app;

/**
 * `GET /api/openapi.json`: generated from the routes' own declarations (public: it describes
 * shapes, not data). Routes not yet declared as contracts come from the hand registry until
 * they are.
 */
function openApiDocument(serverUrl: string | undefined): Record<string, unknown> {
  const generated = root.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "NeuroSphere API",
      version: "1.0.0",
      description:
        "Multi-tenant AI receptionist. Tenant API keys: `Authorization: Bearer nsk_…`. Errors: `{ error: { code, message, issues? } }`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
  const legacy = buildOpenApiDocument(serverUrl) as {
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  };
  const paths: Record<string, Record<string, unknown>> = { ...legacy.paths };
  for (const [path, ops] of Object.entries(generated.paths ?? {})) {
    paths[path] = { ...(paths[path] ?? {}), ...(ops as Record<string, unknown>) };
  }
  return {
    ...generated,
    paths,
    components: {
      ...generated.components,
      schemas: { ...legacy.components.schemas, ...(generated.components?.schemas ?? {}) },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
