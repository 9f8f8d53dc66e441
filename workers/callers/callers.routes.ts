/**
 * A tenant's callers. The reads answer at `/api/tenants/{tenantId}` (members and keys) and at
 * `/api/tenant` (API keys, whose key names the tenant); the profile edit only at the first.
 */
import type { z } from "zod";
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { badRequest, notFound } from "../http/errors";
import { normalizePhone } from "../lib/phone";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import { editCallerProfile, findCallerByPhone, listCallers } from "./callers";
import {
  CallerAnswer,
  CallerList,
  CallerListQuery,
  CallerProfilePatch,
  PhonePath,
  ProfileEdit,
} from "./callers.schema";

const TAG = "Callers";
const security = "apiKeyOrSession";

/** The path's number in E.164; the message is the one this API has always given. */
function phoneParam(raw: string): string {
  const phone = normalizePhone(raw);
  if (!phone) throw badRequest("phone: must be a phone number, e.g. +19495550100");
  return phone;
}

/** The read routes under one prefix; `params` declares that prefix's path parameters. */
function callerReads(params: z.ZodObject, withPhone: z.ZodObject) {
  return router()
    .openapi(
      defineRoute({
        method: "get",
        path: "/callers",
        tag: TAG,
        security,
        summary: "Search callers (name, number, bio)",
        middleware: permit("callers.read"),
        request: { params, query: CallerListQuery },
        responses: { 200: jsonResponse(CallerList, "Callers, most recently updated first") },
      }),
      async (c) => {
        const { search, limit, offset } = c.req.valid("query");
        return c.json(
          { callers: await listCallers(authorized(c).ctx, { search, limit, offset }) },
          200,
        );
      },
    )
    .openapi(
      defineRoute({
        method: "get",
        path: "/callers/{phone}",
        tag: TAG,
        security,
        summary: "One caller with their profile",
        middleware: permit("callers.read"),
        request: { params: withPhone },
        responses: { 200: jsonResponse(CallerAnswer, "The caller") },
      }),
      async (c) => {
        const caller = await findCallerByPhone(authorized(c).ctx, phoneParam(c.req.param("phone")));
        if (!caller) throw notFound("No caller with that number");
        return c.json({ caller }, 200);
      },
    );
}

/** For API keys at `/api/tenant`. */
export const apiKeyCallerRoutes = callerReads(TenantPath.pick({}), PhonePath);

export const tenantCallerRoutes = callerReads(
  TenantPath,
  TenantPath.extend(PhonePath.shape),
).openapi(
  defineRoute({
    method: "patch",
    path: "/callers/{phone}/profile",
    tag: TAG,
    security,
    summary: "Edit a caller's profile (validated by the template)",
    middleware: permit("callers.update"),
    request: { params: TenantPath.extend(PhonePath.shape), body: jsonBody(CallerProfilePatch) },
    responses: { 200: jsonResponse(ProfileEdit, "The caller and the fields that changed") },
  }),
  async (c) => {
    const { ctx } = authorized(c);
    const phone = phoneParam(c.req.valid("param").phone);
    const edit = unwrap(await editCallerProfile(ctx, phone, c.req.valid("json").profile));
    // The caller lives in the tenant's database and the audit log in the platform's: no batch
    // spans both, so the entry is written right after the edit.
    await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
      action: "caller.profile_update",
      tenantId: ctx.tenantId,
      target: edit.caller.id,
      detail: { fields: edit.applied },
      requestId: c.get("requestId"),
    });
    return c.json(edit, 200);
  },
);
