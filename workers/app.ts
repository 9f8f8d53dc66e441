/** The Worker's HTTP surface: one chain, one error handler. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { authRoutes } from "./auth/auth.routes";
import { authenticate } from "./auth/middleware";
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
  .use("/api/*", authenticate)
  .route("/api/auth", authRoutes)
  .route("/api/platform", platformRoutes)
  .route("/api", tenantRoutes);

export type AppType = typeof app;
