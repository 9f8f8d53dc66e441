import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { tenantD1 } from "../support/bindings";
import { tenantWithOwner } from "./support";
import type { ErrorBody, TenantWithOwner } from "./support";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
  const info = await api<{ tenant: { d1Binding: string } }>(
    "GET",
    `/api/platform/tenants/${t.id}`,
    {
      auth: { session: t.admin },
    },
  );
  const db = tenantD1(info.body.tenant.d1Binding);
  await db.batch([
    db.prepare(
      "INSERT INTO callers (id, phone, first_name) VALUES ('clr_a', '+19495550111', 'Ana')",
    ),
    db.prepare(
      `INSERT INTO calls (call_sid, caller_id, from_number, to_number, status, outcome, started_at)
       VALUES ('CA1', 'clr_a', '+19495550111', '${t.phoneNumber}', 'completed', 'lead_captured', '2031-01-05T10:00:00.000Z'),
              ('CA2', NULL, '+13105550000', '${t.phoneNumber}', 'completed', 'message_taken', '2031-01-06T10:00:00.000Z')`,
    ),
    db.prepare(
      "INSERT INTO transcript_turns (call_sid, seq, speaker, text, at) VALUES ('CA1', 1, 'caller', 'Hi, I need a quote', '2031-01-05T10:00:01.000Z')",
    ),
    db.prepare(
      "INSERT INTO call_summaries (call_sid, caller_id, summary, method) VALUES ('CA1', 'clr_a', 'Ana wants an auto quote.', 'llm')",
    ),
    db.prepare(
      "INSERT INTO leads (id, name, phone, reason, source, stage) VALUES ('lead_1', 'Ana', '+19495550111', 'Auto quote', 'call', 'new')",
    ),
  ]);
});
const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("call log", () => {
  it("filters calls by date, outcome and caller and reports the total", async () => {
    const byDay = await api<{ calls: { callSid: string }[]; total: number }>(
      "GET",
      path("/calls?from=2031-01-06&to=2031-01-06"),
      { auth: { session: t.owner } },
    );
    expect(byDay.body).toMatchObject({ total: 1, calls: [{ callSid: "CA2" }] });
    const byCaller = await api<{ calls: { callSid: string; callerName: string }[] }>(
      "GET",
      path("/calls?caller=(949)%20555-0111"),
      { auth: { session: t.owner } },
    );
    expect(byCaller.body.calls).toEqual([
      expect.objectContaining({ callSid: "CA1", callerName: "Ana" }),
    ]);
    const byOutcome = await api<{ total: number }>(
      "GET",
      path("/calls?outcome=message_taken&limit=1"),
      { auth: { session: t.owner } },
    );
    expect(byOutcome.body.total).toBe(1);
  });

  it("opens a call with its transcript and summary", async () => {
    const res = await api<{ transcript: { text: string }[]; summary: { summary: string } }>(
      "GET",
      path("/calls/CA1"),
      { auth: { session: t.owner } },
    );
    expect(res.body.transcript.map((x) => x.text)).toEqual(["Hi, I need a quote"]);
    expect(res.body.summary.summary).toBe("Ana wants an auto quote.");
    expect((await api("GET", path("/calls/CA404"), { auth: { session: t.owner } })).status).toBe(
      404,
    );
  });

  it("refuses a malformed date naming the field", async () => {
    const res = await api<ErrorBody>("GET", path("/calls?from=yesterday"), {
      auth: { session: t.owner },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("from");
  });
});

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

describe("caller profiles", () => {
  it("gives the template that generates the profile form", async () => {
    const res = await api<{ template: { id: string; fields: { key: string }[] } }>(
      "GET",
      path("/template"),
      { auth: { session: t.owner } },
    );
    expect(res.body.template.id).toBe("insurance_v1");
    expect(res.body.template.fields.map((f) => f.key)).toContain("first_name");
  });

  it("saves a valid profile edit and rebuilds the caller's name", async () => {
    const res = await api<{ caller: { firstName: string }; applied: string[] }>(
      "PATCH",
      path("/callers/+19495550111/profile"),
      {
        auth: { session: t.owner },
        body: { profile: { first_name: "Anabel" } },
      },
    );
    expect(res.status).toBe(200);
    expect(res.body.caller.firstName).toBe("Anabel");
  });

  it("refuses an invalid field naming it, and stores none of the edit", async () => {
    const res = await api<ErrorBody>("PATCH", path("/callers/+19495550111/profile"), {
      auth: { session: t.owner },
      body: { profile: { last_name: "Lopez", no_such_field: 1 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path)).toContain("no_such_field");
    const caller = await api<{ caller: { lastName: string | null } }>(
      "GET",
      path("/callers/+19495550111"),
      { auth: { session: t.owner } },
    );
    expect(caller.body.caller.lastName).toBeNull();
  });
});
