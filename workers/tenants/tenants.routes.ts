/** /api/platform/tenants: the operators' view of every tenant and its lifecycle. */
import type { Context } from "hono";
import { requireOperator } from "../auth/platform-operator";
import { platformDb } from "../db/handles";
import type { AppEnv } from "../http/app-env";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { log } from "../observability/log";
import {
  assignTemplate,
  createTenant,
  findTenant,
  listTenants,
  offboardTenant,
  setTenantStatus,
  updateTenant,
} from "./tenants";
import type { Actor } from "./tenants";
import {
  AssignTemplateRequest,
  CreateTenant,
  OffboardRequest,
  TenantAnswer,
  TenantIdParam,
  TenantList,
  TenantListQuery,
  UpdateTenant,
} from "./tenants.schema";

const tag = "Platform tenants";
const read = requireOperator("platform.tenants.read");
const manage = requireOperator("platform.tenants.manage");

function actor(c: Context<AppEnv>): Actor {
  return { principal: c.get("principal"), requestId: c.get("requestId") };
}

const list = defineRoute({
  method: "get",
  path: "/tenants",
  tag,
  security: "session",
  summary: "Tenants (search by name, slug, id or phone number; status filter; paginated)",
  middleware: read,
  request: { query: TenantListQuery },
  responses: { 200: jsonResponse(TenantList, "A page of tenants and the total") },
});

const getOne = defineRoute({
  method: "get",
  path: "/tenants/{id}",
  tag,
  security: "session",
  summary: "One tenant",
  middleware: read,
  request: { params: TenantIdParam },
  responses: { 200: jsonResponse(TenantAnswer, "The tenant") },
});

const create = defineRoute({
  method: "post",
  path: "/tenants",
  tag,
  security: "session",
  summary: "Create a tenant on a free warm-pool database",
  middleware: manage,
  request: { body: jsonBody(CreateTenant) },
  responses: { 201: jsonResponse(TenantAnswer, "Created") },
});

const update = defineRoute({
  method: "patch",
  path: "/tenants/{id}",
  tag,
  security: "session",
  summary: "Change a tenant",
  middleware: manage,
  request: { params: TenantIdParam, body: jsonBody(UpdateTenant) },
  responses: { 200: jsonResponse(TenantAnswer, "The changed tenant") },
});

const suspend = defineRoute({
  method: "post",
  path: "/tenants/{id}/suspend",
  tag,
  security: "session",
  summary: "Suspend a tenant (its calls and API keys are refused until resumed)",
  middleware: manage,
  request: { params: TenantIdParam },
  responses: { 200: jsonResponse(TenantAnswer, "The suspended tenant") },
});

const resume = defineRoute({
  method: "post",
  path: "/tenants/{id}/resume",
  tag,
  security: "session",
  summary: "Resume a suspended tenant",
  middleware: manage,
  request: { params: TenantIdParam },
  responses: { 200: jsonResponse(TenantAnswer, "The active tenant") },
});

const offboard = defineRoute({
  method: "post",
  path: "/tenants/{id}/offboard",
  tag,
  security: "session",
  summary: "Offboard a tenant (irreversible; type its slug to confirm)",
  middleware: manage,
  request: { params: TenantIdParam, body: jsonBody(OffboardRequest) },
  responses: { 200: jsonResponse(TenantAnswer, "The offboarded tenant") },
});

const setTemplate = defineRoute({
  method: "put",
  path: "/tenants/{id}/template",
  tag,
  security: "session",
  summary: "Assign an industry template",
  middleware: manage,
  request: { params: TenantIdParam, body: jsonBody(AssignTemplateRequest) },
  responses: { 200: jsonResponse(TenantAnswer, "The tenant on its new template") },
});

export const platformTenantRoutes = router()
  .openapi(list, async (c) =>
    c.json(await listTenants(platformDb(c.env.PLATFORM_DB), c.req.valid("query")), 200),
  )
  .openapi(getOne, async (c) =>
    c.json({ tenant: unwrap(await findTenant(c.env, c.req.valid("param").id)) }, 200),
  )
  .openapi(create, async (c) => {
    const tenant = unwrap(await createTenant(c.env, actor(c), c.req.valid("json")));
    log("info", "tenant.created", {
      requestId: c.get("requestId"),
      tenantId: tenant.id,
      binding: tenant.d1Binding,
    });
    return c.json({ tenant }, 201);
  })
  .openapi(update, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(
      { tenant: unwrap(await updateTenant(c.env, actor(c), id, c.req.valid("json"))) },
      200,
    );
  })
  .openapi(suspend, async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ tenant: unwrap(await setTenantStatus(c.env, actor(c), id, "suspended")) }, 200);
  })
  .openapi(resume, async (c) => {
    const { id } = c.req.valid("param");
    return c.json({ tenant: unwrap(await setTenantStatus(c.env, actor(c), id, "active")) }, 200);
  })
  .openapi(offboard, async (c) => {
    const { id } = c.req.valid("param");
    const { confirmSlug } = c.req.valid("json");
    return c.json({ tenant: unwrap(await offboardTenant(c.env, actor(c), id, confirmSlug)) }, 200);
  })
  .openapi(setTemplate, async (c) => {
    const { id } = c.req.valid("param");
    const { template } = c.req.valid("json");
    return c.json({ tenant: unwrap(await assignTemplate(c.env, actor(c), id, template)) }, 200);
  });
