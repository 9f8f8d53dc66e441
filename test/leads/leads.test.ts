import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import type { ErrorBody, TenantWithOwner } from "../support/members";
import { tenantWithRecords } from "../support/tenant-records";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithRecords();
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("leads", () => {
  it("groups leads on a board by stage and moves one, keeping the event and an audit entry", async () => {
    const moved = await api<{ lead: { stage: string } }>("POST", path("/leads/lead_1/stage"), {
      auth: { session: t.owner },
      body: { stage: "contacted", note: "Called back" },
    });
    expect(moved.body.lead.stage).toBe("contacted");
    const board = await api<{ stages: { stage: string; total: number }[] }>(
      "GET",
      path("/leads/board"),
      { auth: { session: t.owner } },
    );
    expect(board.body.stages.find((s) => s.stage === "contacted")?.total).toBe(1);
    const detail = await api<{ events: { type: string; toStage: string }[] }>(
      "GET",
      path("/leads/lead_1"),
      { auth: { session: t.owner } },
    );
    expect(detail.body.events.at(-1)).toMatchObject({
      type: "stage_changed",
      toStage: "contacted",
    });
    const audit = await api<{ entries: { action: string }[] }>(
      "GET",
      path("/audit?action=lead.move"),
      { auth: { session: t.owner } },
    );
    expect(audit.body.entries).toHaveLength(1);
  });

  it("refuses an unknown stage naming the field", async () => {
    const res = await api<ErrorBody>("POST", path("/leads/lead_1/stage"), {
      auth: { session: t.owner },
      body: { stage: "maybe" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("stage");
  });
});
