/** The call log staff read: filtered, paginated calls, and one call in full. */
import { defineRoute, jsonResponse, router } from "../http/contract";
import { notFound } from "../http/errors";
import { TenantPath, authorized, permit } from "../tenancy/tenant-access";
import { getCallDetail, listCalls } from "./call-log";
import { CallDetail, CallList, CallListQuery, CallPath } from "./call-log.schema";

const TAG = "Calls";

const r = router();

export const tenantCallLogRoutes = r
  .openapi(
    defineRoute({
      method: "get",
      path: "/calls",
      tag: TAG,
      security: "apiKeyOrSession",
      summary: "Call log (filter, paginate)",
      middleware: permit("calls.read"),
      request: { params: TenantPath, query: CallListQuery },
      responses: { 200: jsonResponse(CallList, "Calls, newest first, and the total matching") },
    }),
    async (c) => c.json(await listCalls(authorized(c).ctx, c.req.valid("query")), 200),
  )
  .openapi(
    defineRoute({
      method: "get",
      path: "/calls/{callSid}",
      tag: TAG,
      security: "apiKeyOrSession",
      summary: "One call: transcript, summary, metrics",
      middleware: permit("calls.read"),
      request: { params: TenantPath.extend(CallPath.shape) },
      responses: { 200: jsonResponse(CallDetail, "The call") },
    }),
    async (c) => {
      const detail = await getCallDetail(authorized(c).ctx, c.req.valid("param").callSid);
      if (!detail) throw notFound("No such call");
      return c.json(detail, 200);
    },
  );
