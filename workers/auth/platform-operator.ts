/** Route middleware for the operators' console: a platform admin allowed the matrix action. */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/app-env";
import { AppError } from "../http/errors";
import { requirePlatformAdmin } from "./middleware";
import type { Action } from "./permissions";
import { can } from "./permissions";

export function requireOperator(action: Action): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    requirePlatformAdmin(c);
    // Operators hold every platform action today; the check keeps the matrix the one source of truth.
    if (!can("platform_admin", action))
      throw new AppError(403, "forbidden", `Not allowed: ${action}`);
    await next();
  };
}
