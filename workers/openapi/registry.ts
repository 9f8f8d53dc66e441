/**
 * The OpenAPI 3.1 document (`GET /api/openapi.json`), built from zod schemas registered by the
 * route modules themselves, so the document cannot drift from what the routes validate.
 *
 * How to add your routes: next to the route definitions (module scope of your `*.routes.ts`),
 * call `registerRoute({ method, path, summary, tag, query?, params?, body?, responses })` with
 * the same zod schemas the handler parses (`path` in OpenAPI form: `/caller/profile/{phone}`),
 * and `registerSchema("Name", Schema)` for shared shapes you want listed by name. Request
 * schemas are rendered as input (before transforms and defaults), responses as output.
 * Routes need a bearer API key unless `security: "none"`; `session` marks cookie routes.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";

type Method = "get" | "post" | "put" | "patch" | "delete";
type JsonSchema = Record<string, unknown>;

export interface RouteDoc {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tag: string;
  security?: "apiKey" | "session" | "apiKeyOrSession" | "none";
  query?: z.ZodObject;
  params?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

const routes: RouteDoc[] = [];
const schemas = new Map<string, z.ZodType>();

export function registerRoute(doc: RouteDoc): void {
  const existing = routes.findIndex((r) => r.method === doc.method && r.path === doc.path);
  if (existing >= 0) routes[existing] = doc;
  else routes.push(doc);
}

export function registerSchema(name: string, schema: z.ZodType): void {
  schemas.set(name, schema);
}

export const ErrorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

function parameters(schema: z.ZodObject | undefined, where: "query" | "path"): JsonSchema[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = field as z.ZodType;
    const optional = fieldSchema.safeParse(undefined).success;
    return {
      name,
      in: where,
      required: where === "path" ? true : !optional,
      schema: jsonSchema(fieldSchema, "input"),
      ...(fieldSchema.description ? { description: fieldSchema.description } : {}),
    };
  });
}

const SECURITY: Record<NonNullable<RouteDoc["security"]>, JsonSchema[]> = {
  apiKey: [{ apiKey: [] }],
  session: [{ session: [] }],
  apiKeyOrSession: [{ apiKey: [] }, { session: [] }],
  none: [],
};

export function buildOpenApiDocument(serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema
          ? { content: { "application/json": { schema: jsonSchema(response.schema, "output") } } }
          : {}),
      };
    }
    responses.default ??= {
      description: "Error: `{ error: { code, message, issues? } }`",
      content: { "application/json": { schema: jsonSchema(ErrorResponse, "output") } },
    };
    const operation: JsonSchema = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      security: SECURITY[route.security ?? "apiKey"],
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(route.body, "input") } },
            },
          }
        : {}),
      responses,
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  const components: Record<string, JsonSchema> = {};
  for (const [name, schema] of schemas) components[name] = jsonSchema(schema, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "NeuroSphere API",
      version: "1.0.0",
      description:
        "Multi-tenant AI receptionist. Tenant API keys: `Authorization: Bearer nsk_…`. Errors: `{ error: { code, message } }`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "Tenant API key (nsk_…)" },
        session: { type: "apiKey", in: "cookie", name: "ns_session" },
      },
    },
  };
}

/** Mounted at `/api`: the document is public (it describes shapes, not data). */
export const openApiRoutes = new Hono<AppEnv>().get("/openapi.json", (c) =>
  c.json(buildOpenApiDocument(c.env.PUBLIC_BASE_URL)),
);
