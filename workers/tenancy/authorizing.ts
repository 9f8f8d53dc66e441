/**
 * `authorize(c, action)` as route middleware, so a caller who may not do something is refused
 * (403) before their request is validated (400). Stands in for the tenant tier's `permit(action)`
 * until the two branches meet; handlers still call `authorize` for the context and role.
 */
import type { MiddlewareHandler } from "hono";
import { authorize } from "../admin/access";
import type { Action } from "../auth/permissions";
import type { AppEnv } from "../http/app-env";

export function authorizing(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    authorize(c, action);
    await next();
  };
}
