/**
 * One contract per route. A route is declared once (`defineRoute`) with its request and
 * response schemas; that declaration validates the request (handlers read `c.req.valid(...)`),
 * documents it in `/api/openapi.json`, and types the admin app's client (`hc<AppType>`).
 *
 * We use `@hono/zod-openapi` rather than chanfana: our routers already are Hono apps and the admin
 * client is `hc<AppType>`; zod-openapi keeps both (its routers are Hono apps, its routes carry
 * request types into hc), where chanfana's class-per-endpoint would replace the router and lose
 * the typed client.
 */
import { OpenAPIHono, createRoute } from "@hono/zod-openapi";
import type { RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { z } from "zod";
import type { AppEnv } from "./app-env";
import { AppError, badRequest, describeIssues, zodIssues } from "./errors";
import { MAX_JSON_BYTES, isJsonMediaType } from "./validation";

/** Every error answer: `{ error: { code, message, issues? } }`. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: "Error" });

const TARGET_NAMES: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "headers",
  cookie: "cookies",
};

/**
 * Validation failures become our error shape: 400 `invalid_request` with every issue listed,
 * the message naming the part of the request that was wrong (as `jsonBody`/`queryWith` did).
 */
export function validationHook(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
): void {
  if (result.success) return;
  const issues = zodIssues(result.error);
  const what = TARGET_NAMES[result.target] ?? result.target;
  throw badRequest(`Invalid ${what}: ${describeIssues(issues)}`, issues);
}

/** A router whose routes are contracts. Mount it with `.route()` like any Hono app. */
export function router() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/**
 * The gate in front of a JSON body: exactly `application/json` (415 otherwise: a cross-site
 * form can send text/plain without a preflight), at most `maxBytes` (413), well-formed (400).
 * It reads the body once; the validator after it reuses Hono's cached copy.
 */
export function jsonGate(maxBytes = MAX_JSON_BYTES): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isJsonMediaType(c.req.header("content-type"))) {
      throw new AppError(415, "unsupported_media_type", "Send the body as application/json");
    }
    const declared = Number(c.req.header("content-length") ?? "0");
    if (declared > maxBytes) {
      throw new AppError(413, "payload_too_large", `Body exceeds ${maxBytes} bytes`);
    }
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > maxBytes) {
      throw new AppError(413, "payload_too_large", `Body exceeds ${maxBytes} bytes`);
    }
    try {
      JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw badRequest("Body is not valid JSON");
    }
    await next();
  };
}

/** How a route is authenticated, for the document (the middleware enforces it). */
export type Security = "apiKey" | "session" | "apiKeyOrSession" | "twilio" | "none";

const SECURITY: Record<Security, RouteConfig["security"]> = {
  apiKey: [{ apiKey: [] }],
  session: [{ session: [] }],
  apiKeyOrSession: [{ apiKey: [] }, { session: [] }],
  twilio: [{ twilioSignature: [] }],
  none: [],
};

type Middlewares = MiddlewareHandler<AppEnv> | MiddlewareHandler<AppEnv>[];

/** A JSON request body, required. */
export function jsonBody<S extends z.ZodType>(schema: S, description?: string) {
  return {
    required: true,
    ...(description ? { description } : {}),
    content: { "application/json": { schema } },
  } as const;
}

/** A JSON response. */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

const errorResponses = {
  default: jsonResponse(ErrorResponse, "Error: `{ error: { code, message, issues? } }`"),
} as const;

/**
 * `createRoute` plus the house rules: a tag and security on every route, the error shape as the
 * default response, and the JSON gate in front of every JSON body (after the route's own
 * middleware, so authorisation answers before validation does).
 */
export function defineRoute<
  const R extends Omit<RouteConfig, "security" | "tags" | "middleware"> & {
    tag: string;
    security?: Security;
    middleware?: Middlewares;
    maxBodyBytes?: number;
  },
>(config: R) {
  const { tag, security = "apiKey", middleware, maxBodyBytes, ...route } = config;
  const own = middleware ? (Array.isArray(middleware) ? middleware : [middleware]) : [];
  const hasJsonBody = Boolean(
    (route.request?.body?.content as Record<string, unknown> | undefined)?.["application/json"],
  );
  return createRoute({
    ...route,
    tags: [tag],
    security: SECURITY[security],
    middleware: hasJsonBody ? [...own, jsonGate(maxBodyBytes)] : own,
    responses: { ...errorResponses, ...route.responses },
  });
}

export const SECURITY_SCHEMES = {
  apiKey: { type: "http", scheme: "bearer", description: "Tenant API key (nsk_…)" },
  session: {
    type: "apiKey",
    in: "cookie",
    name: "ns_session",
    description: "Admin session; writes also need the X-CSRF-Token header",
  },
  twilioSignature: {
    type: "apiKey",
    in: "header",
    name: "X-Twilio-Signature",
    description: "Twilio's request signature, checked with the receiving account's auth token",
  },
} as const;
