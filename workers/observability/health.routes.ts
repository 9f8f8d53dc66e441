/** `GET /health`: the Worker answers (a load balancer's liveness probe; no database is touched). */
import { z } from "zod";
import { defineRoute, jsonResponse, router } from "../http/contract";

export const Liveness = z
  .object({ status: z.literal("ok"), time: z.string().describe("The Worker's clock, ISO 8601") })
  .meta({ id: "Liveness" });

export const healthRoutes = router().openapi(
  defineRoute({
    method: "get",
    path: "/health",
    tag: "Health",
    security: "none",
    summary: "Liveness: the Worker is up",
    responses: { 200: jsonResponse(Liveness, "Up") },
  }),
  (c) => c.json({ status: "ok" as const, time: new Date().toISOString() }, 200),
);
