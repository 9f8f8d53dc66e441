import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/api";
import { memberOf, tenantWithOwner } from "../support/members";
import type { ErrorBody, TenantWithOwner } from "../support/members";

type Preview = { greeting: string; greetingUnknownCaller: string; instructions: string };
type Config = { agentConfig: { greeting: string; personality: Record<string, number> } };

let t: TenantWithOwner;
beforeAll(async () => {
  t = await tenantWithOwner();
});

const path = (p: string) => `/api/tenants/${t.id}${p}`;

describe("agent settings", () => {
  it("a changed greeting shows up in the next call's instructions preview", async () => {
    const saved = await api<Config>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: {
        greeting: "Good morning from {business_name}, {agent_name} speaking.",
        agentName: "Robin",
      },
    });
    expect(saved.status).toBe(200);
    const preview = await api<Preview>("POST", path("/agent/preview"), {
      auth: { session: t.owner },
      body: {},
    });
    expect(preview.body.greeting).toBe("Good morning from Admin Test Agency, Robin speaking.");
    expect(preview.body.instructions).toContain("You are Robin");
  });

  it("a slider moved to its end adds its behaviour to the instructions", async () => {
    await api("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { personality: { warmth: 5 } },
    });
    const preview = await api<Preview>("POST", path("/agent/preview"), {
      auth: { session: t.owner },
      body: {},
    });
    expect(preview.body.instructions).toContain("Keep a neutral, businesslike tone.");
  });

  it("the tenant row the next call reads carries the saved settings", async () => {
    await api("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { voice: "sage", smsRecipients: ["(949) 555-0123"] },
    });
    const row = await env.PLATFORM_DB.prepare("SELECT agent_config FROM tenants WHERE id = ?")
      .bind(t.id)
      .first<{ agent_config: string }>();
    const config = JSON.parse(row?.agent_config ?? "{}") as {
      voice: string;
      smsRecipients: string[];
    };
    expect(config.voice).toBe("sage");
    expect(config.smsRecipients).toEqual(["+19495550123"]);
  });

  it("refuses a slider out of range naming it, and changes nothing", async () => {
    const before = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    const res = await api<ErrorBody>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { greeting: "Changed", personality: { empathy: 140 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path)).toContain("personality.empathy");
    const after = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    expect(after.body).toEqual(before.body);
  });

  it("refuses a greeting with an unknown placeholder, naming the greeting", async () => {
    const res = await api<ErrorBody>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { greeting: "Hi {first_name}" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.[0]?.path).toBe("greeting");
  });

  it("previews a draft without saving it", async () => {
    const preview = await api<Preview>("POST", path("/agent/preview"), {
      auth: { session: t.owner },
      body: {
        agentConfig: { greeting: "Draft hello {caller_first_name}!" },
        callerFirstName: "Ana",
      },
    });
    expect(preview.body.greeting).toBe("Draft hello Ana!");
    expect(preview.body.greetingUnknownCaller).toBe("Draft hello!");
    const saved = await api<Config>("GET", path("/agent"), { auth: { session: t.owner } });
    expect(saved.body.agentConfig.greeting).not.toContain("Draft");
  });

  it("lists the 30 sliders in labelled groups with their current values", async () => {
    const res = await api<{
      groups: { name: string; sliders: { key: string; label: string; value: number }[] }[];
    }>("GET", path("/agent/sliders"), { auth: { session: t.owner } });
    expect(res.body.groups.length).toBe(5);
    expect(res.body.groups.flatMap((g) => g.sliders)).toHaveLength(30);
    expect(res.body.groups[0]?.sliders[0]).toMatchObject({ key: "warmth", label: "Warmth" });
  });

  it("offers the voices for the voice picker", async () => {
    const res = await api<{ voices: string[] }>("GET", path("/agent/options"), {
      auth: { session: t.owner },
    });
    expect(res.body.voices).toContain("marin");
  });

  it("an admin may change settings and the change is audit-logged with the fields", async () => {
    const admin = await memberOf(t.id, "admin", t.owner);
    await api("PATCH", path("/agent"), {
      auth: { session: admin },
      body: { transferNumber: "+19495550199" },
    });
    const audit = await api<{
      entries: { action: string; detail: { changed: string[] }; actorEmail: string }[];
    }>("GET", path("/audit?action=agent.update"), { auth: { session: t.owner } });
    expect(audit.body.entries[0]).toMatchObject({
      action: "agent.update",
      actorEmail: admin.email,
    });
    expect(audit.body.entries[0]?.detail.changed).toEqual(["transferNumber"]);
  });
});

describe("agent settings: transfer number", () => {
  type Answer = { agentConfig?: { transferNumber: string | null }; error?: { message: string } };

  it.each([
    ["a premium-rate number", "+1 900 555 0123", "premium-rate"],
    ["a number in the NANP 976 exchange", "+1 714 976 5555", "premium-rate"],
    ["a Caribbean number dialled as +1", "+1 876 555 0123", "JM"],
    ["a number abroad", "+44 7911 123456", "GB"],
  ])("answers 400 naming the problem for %s", async (_name, number, named) => {
    const res = await api<Answer>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { transferNumber: number },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain("transferNumber");
    expect(res.body.error?.message).toContain(named);
  });

  it("accepts a number abroad once its country is among the transfer countries", async () => {
    const res = await api<Answer>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { transferNumber: "+44 7911 123456", transferCountries: ["US", "CA", "GB"] },
    });
    expect(res.status).toBe(200);
    expect(res.body.agentConfig?.transferNumber).toBe("+447911123456");
    await api("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { transferNumber: null, transferCountries: null },
    });
  });

  it("accepts a Canadian number for a business with a US number", async () => {
    const res = await api<Answer>("PATCH", path("/agent"), {
      auth: { session: t.owner },
      body: { transferNumber: "+1 416 555 0123" },
    });
    expect(res.status).toBe(200);
  });
});
