/**
 * `GET /api/openapi.json`, generated from the routes' own contracts (public: it describes
 * shapes, not data). Declared here, served by the app: the document is built from the app's
 * registry, which only the app holds.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppEnv } from "../http/app-env";
import { SECURITY_SCHEMES, defineRoute, jsonResponse } from "../http/contract";

export const openApiDocumentRoute = defineRoute({
  method: "get",
  path: "/api/openapi.json",
  tag: "Documentation",
  security: "none",
  summary: "This document: every route, its parameters, bodies and answers (OpenAPI 3.1)",
  responses: {
    200: jsonResponse(z.record(z.string(), z.unknown()), "The OpenAPI 3.1 document"),
  },
});

export function openApiDocument(
  app: OpenAPIHono<AppEnv>,
  serverUrl: string | undefined,
): Record<string, unknown> {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "NeuroSphere API",
      version: "1.0.0",
      description:
        "Multi-tenant AI receptionist. Tenant API keys: `Authorization: Bearer nsk_…`. Errors: `{ error: { code, message, issues? } }`.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
  return {
    ...document,
    components: { ...document.components, securitySchemes: SECURITY_SCHEMES },
  };
}
