import type { MiddlewareHandler } from "hono";
import { log } from "../observability/log";
import type { AppEnv } from "./app-env";

/** Gives every request an id (Cloudflare's ray id when present) and logs one line when it ends. */
export const requestContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const requestId = c.req.header("cf-ray") ?? crypto.randomUUID();
  c.set("requestId", requestId);
  const started = Date.now();
  await next();
  c.header("X-Request-Id", requestId);
  log(c.res.status >= 500 ? "error" : "info", "http.request", {
    requestId,
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Date.now() - started,
  });
};
