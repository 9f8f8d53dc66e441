import { Hono } from "hono";
import type { AppEnv } from "./http/app-env";
import { errorBody, handleError } from "./http/errors";

export const app = new Hono<AppEnv>()
  .onError(handleError)
  .notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404))
  .get("/health", (c) => c.json({ status: "ok" }));
