/** A tenant's leads: the list, the board by stage, one lead with its history, and moving it. */
import { audit } from "../audit/audit";
import { platformDb } from "../db/handles";
import { defineRoute, jsonBody, jsonResponse, router } from "../http/contract";
import { unwrap } from "../http/error-status";
import { notFound } from "../http/errors";
import { TenantPath, actorLabel, authorized, permit } from "../tenancy/tenant-access";
import { getLead, leadBoard, leadList, moveLead } from "./leads";
import {
  LeadBoard,
  LeadDetail,
  LeadList,
  LeadListQuery,
  LeadPath,
  MoveLead,
  MovedLead,
} from "./leads.schema";

const TAG = "Leads";
const security = "apiKeyOrSession";
const BOARD_LIMIT_PER_STAGE = 100;

const r = router();

export const tenantLeadRoutes = r
  .openapi(
    defineRoute({
      method: "get",
      path: "/leads",
      tag: TAG,
      security,
      summary: "Leads by stage",
      middleware: permit("leads.read"),
      request: { params: TenantPath, query: LeadListQuery },
      responses: { 200: jsonResponse(LeadList, "Leads, newest change first, and the total") },
    }),
    async (c) => c.json(await leadList(authorized(c).ctx, c.req.valid("query")), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/leads/board",
      tag: TAG,
      security,
      summary: "Leads board grouped by stage",
      middleware: permit("leads.read"),
      request: { params: TenantPath },
      responses: {
        200: jsonResponse(LeadBoard, `Every stage, its newest ${BOARD_LIMIT_PER_STAGE}`),
      },
    }),
    async (c) => c.json(await leadBoard(authorized(c).ctx, BOARD_LIMIT_PER_STAGE), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/leads/{id}",
      tag: TAG,
      security,
      summary: "A lead with its events",
      middleware: permit("leads.read"),
      request: { params: TenantPath.extend(LeadPath.shape) },
      responses: { 200: jsonResponse(LeadDetail, "The lead and its history, oldest first") },
    }),
    async (c) => {
      const found = await getLead(authorized(c).ctx, c.req.valid("param").id);
      if (!found) throw notFound("No such lead");
      return c.json(found, 200);
    },
  )
  .openapi(
    defineRoute({
      method: "post",
      path: "/leads/{id}/stage",
      tag: TAG,
      security,
      summary: "Move a lead to another stage",
      middleware: permit("leads.move"),
      request: { params: TenantPath.extend(LeadPath.shape), body: jsonBody(MoveLead) },
      responses: { 200: jsonResponse(MovedLead, "The lead as moved") },
    }),
    async (c) => {
      const { ctx } = authorized(c);
      const body = c.req.valid("json");
      const { lead, from } = unwrap(
        await moveLead(ctx, c.req.valid("param").id, body.stage, actorLabel(c), body.note),
      );
      if (from !== body.stage) {
        // The lead lives in the tenant's database and the audit log in the platform's: no batch
        // spans both, so the entry is written right after the move.
        await audit(platformDb(c.env.PLATFORM_DB), c.get("principal"), {
          action: "lead.move",
          tenantId: ctx.tenantId,
          target: lead.id,
          detail: { from, to: body.stage },
          requestId: c.get("requestId"),
        });
      }
      return c.json({ lead }, 200);
    },
  );
