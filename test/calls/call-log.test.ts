import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import type { ErrorBody, TenantWithOwner } from "../support/members";
import { tenantWithRecords } from "../support/tenant-records";

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithRecords();
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
