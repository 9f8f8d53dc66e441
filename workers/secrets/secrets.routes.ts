/**
 * Bring-your-own keys of a tenant (`/api/tenants/:tenantId/secrets`, after the tier's access
 * policy in workers/app.ts): write-only; the list names what is set and when.
 */
import { z } from "zod";
import { auditInsert } from "../audit/audit";
import { platformDb } from "../db/handles";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { authorized, permit } from "../tenancy/tenant-access";
import { SecretList, SecretName, SecretStatus, SetSecretRequest } from "./secrets.schema";
import { listTenantSecrets, sealedSecretUpsert, secretDelete } from "./tenant-secrets";

const TAG = "Secrets";
const TenantParams = z.object({ tenantId: z.string() });
const SecretParams = TenantParams.extend({ name: SecretName });

const secrets = router();

export const tenantSecretRoutes = secrets
  .openapi(
    defineRoute({
      method: "get",
      path: "/secrets",
      tag: TAG,
      security: "session",
      summary: "Which bring-your-own keys are set (names and dates only)",
      middleware: permit("secrets.read"),
      request: { params: TenantParams },
      responses: { 200: jsonResponse(SecretList, "What is set, and every name that may be") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      return c.json(
        { secrets: await listTenantSecrets(c.env, ctx.tenantId), names: SecretName.options },
        200,
      );
    },
  )
  .openapi(
    defineRoute({
      method: "put",
      path: "/secrets/{name}",
      tag: TAG,
      security: "session",
      summary: "Set a bring-your-own key (write-only)",
      middleware: permit("secrets.manage"),
      request: { params: SecretParams, body: jsonBody(SetSecretRequest) },
      responses: { 200: jsonResponse(z.object({ secret: SecretStatus }), "Set") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const { name } = c.req.valid("param");
      const db = platformDb(c.env.PLATFORM_DB);
      const { upsert } = await sealedSecretUpsert(
        c.env,
        db,
        ctx.tenantId,
        name,
        c.req.valid("json").value,
      );
      await db.batch([
        upsert,
        auditInsert(db, c.get("principal"), {
          action: "secret.set",
          tenantId: ctx.tenantId,
          target: name,
          requestId: c.get("requestId"),
        }),
      ]);
      const set = (await listTenantSecrets(c.env, ctx.tenantId)).find((s) => s.name === name);
      return c.json({ secret: set ?? { name, updatedAt: new Date().toISOString() } }, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "delete",
      path: "/secrets/{name}",
      tag: TAG,
      security: "session",
      summary: "Delete a bring-your-own key",
      middleware: permit("secrets.manage"),
      request: { params: SecretParams },
      responses: { 200: jsonResponse(z.object({ ok: z.literal(true) }), "Deleted") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const { name } = c.req.valid("param");
      const db = platformDb(c.env.PLATFORM_DB);
      await db.batch([
        secretDelete(db, ctx.tenantId, name),
        auditInsert(db, c.get("principal"), {
          action: "secret.delete",
          tenantId: ctx.tenantId,
          target: name,
          requestId: c.get("requestId"),
        }),
      ]);
      return c.json({ ok: true as const }, 200);
    },
  );
