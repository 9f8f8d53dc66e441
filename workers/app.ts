/** The Worker's HTTP surface: one chain, one error handler. */
import { bodyLimit } from "hono/body-limit";
import { platformApiKeyRoutes, tenantApiKeyRoutes } from "./api-keys/api-keys.routes";
import { platformAuditRoutes, tenantAuditRoutes } from "./audit/audit.routes";
import { tenantAgentRoutes } from "./agents/agents.routes";
import { authRoutes } from "./auth/auth.routes";
import { authenticate } from "./auth/middleware";
import { apiKeyCallerRoutes, tenantCallerRoutes } from "./callers/callers.routes";
import { tenantCallLogRoutes } from "./calls/call-log.routes";
import { callRoutes } from "./calls/calls.routes";
import { forgetRoutes } from "./memory/forget.routes";
import { tenantLeadRoutes } from "./leads/leads.routes";
import { memoryRoutes } from "./memory/memory.routes";
import { messagingRoutes } from "./messaging/messaging.routes";
import { healthRoutes } from "./observability/health.routes";
import { docsPageRoutes } from "./openapi/docs-page.routes";
import { openApiDocument, openApiDocumentRoute } from "./openapi/document";
import { router } from "./http/contract";
import { AppError, errorBody, handleError } from "./http/errors";
import { requestContext } from "./http/request-context";
import { tenantSecretRoutes } from "./secrets/secrets.routes";
import { platformTeamRoutes, tenantTeamRoutes } from "./team/team.routes";
import { platformHealthRoutes } from "./tenancy/health.routes";
import { platformTemplateRoutes, tenantTemplateRoutes } from "./templates/templates.routes";
import { platformTenantRoutes } from "./tenants/tenants.routes";
import { tenantAccess } from "./tenancy/tenant-access";
import { apiKeyTenantSelfRoutes, tenantSelfRoutes } from "./tenants/tenant-self.routes";
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
  .route("/", healthRoutes)
  .route("/twilio", callRoutes)
  .route("/twilio", messagingRoutes)
  .use("/api/*", authenticate)
  .route("/api/auth", authRoutes)
  .route("/api/platform", platformHealthRoutes)
  .route("/api/platform", platformTenantRoutes)
  .route("/api/platform", platformTemplateRoutes)
  .route("/api/platform", platformTeamRoutes)
  .route("/api/platform", platformApiKeyRoutes)
  .route("/api/platform", platformAuditRoutes)
  .route("/api/platform", platformUsageRoutes)
  .route("/api/platform", platformUserRoutes)
  // The tenant tier's one door (membership or key, support view), once for all its routers: a
  // router's own `use` would run again for every router mounted after it under the same prefix.
  .use("/api/tenants/:tenantId/*", tenantAccess)
  .use("/api/tenant/*", tenantAccess)
  .route("/api/tenants/:tenantId", tenantSelfRoutes)
  .route("/api/tenants/:tenantId", tenantAgentRoutes)
  .route("/api/tenants/:tenantId", tenantCallLogRoutes)
  .route("/api/tenants/:tenantId", tenantCallerRoutes)
  .route("/api/tenants/:tenantId", forgetRoutes)
  .route("/api/tenants/:tenantId", tenantLeadRoutes)
  .route("/api/tenants/:tenantId", tenantTemplateRoutes)
  .route("/api/tenants/:tenantId", tenantTeamRoutes)
  .route("/api/tenants/:tenantId", tenantApiKeyRoutes)
  .route("/api/tenants/:tenantId", tenantSecretRoutes)
  .route("/api/tenants/:tenantId", tenantAuditRoutes)
  .route("/api/tenant", apiKeyTenantSelfRoutes)
  .route("/api/tenant", apiKeyCallerRoutes)
  .route("/api/tenant", forgetRoutes)
  .route("/api", docsPageRoutes)
  // The memory service's paths, kept as the phone orchestrator calls them (API key auth).
  .use("/v1/*", authenticate)
  .use("/v2/*", authenticate)
  .use("/caller/*", authenticate)
  .use("/memory/*", authenticate)
  .route("/", memoryRoutes);

export type AppType = typeof app;

/** Every route contract the app holds (tests check that none is declared twice). */
export const routeContracts = () => root.openAPIRegistry.definitions;

// After the chain, so the document (built from the app's registry) lists every route; the
// `/api/*` middleware registered above still runs first.
root.openapi(openApiDocumentRoute, (c) =>
  c.json(openApiDocument(root, c.env.PUBLIC_BASE_URL), 200),
);
