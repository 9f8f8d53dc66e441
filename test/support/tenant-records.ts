import { api } from "./api";
import { tenantD1 } from "./bindings";
import { tenantWithOwner } from "../support/members";
import type { TenantWithOwner } from "../support/members";

/** A tenant with an owner, two calls (one with transcript and summary), a caller and a lead. */
export async function tenantWithRecords(): Promise<TenantWithOwner> {
  const t = await tenantWithOwner();
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
  return t;
}
