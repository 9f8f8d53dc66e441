import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostCallOutcome } from "../../workers/post-call/post-call.schema";
import { postCallInstanceId, startPostCall } from "../../workers/post-call/start";
import { api } from "../support/api";
import { createTenantWithKey } from "../support/tenants";
import { contextOf, freshTenant, uniquePhone } from "../memory/support";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import {
  callCount,
  jobRow,
  outcomeOf,
  postCallJob,
  recordCall,
  uniqueCallSid,
  watchRun,
} from "./support";

// The post-call job as a Workflow: instances, their ids, retries and the tenant check.
let ctx: TenantContext;
let tenantId = "";
let apiKey = "";
beforeAll(async () => {
  const t = await freshTenant();
  ctx = t.ctx;
  tenantId = t.id;
  apiKey = t.apiKey;
});

interface ProcessCallAnswer {
  call_sid?: string;
  result?: PostCallOutcome;
}

function processCall(key: string, body: Record<string, unknown>) {
  return api<ProcessCallAnswer>("POST", "/v2/process-call", { auth: { apiKey: key }, body });
}

const TRANSCRIPT = [
  { speaker: "caller", text: "I want to add my son to my auto policy. He just turned sixteen." },
  { speaker: "agent", text: "I will send you a quote tomorrow." },
];

describe("post-call workflow", () => {
  it("retries a failing step under its policy and finishes the run", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(ctx, phone);
    const run = await watchRun(await postCallInstanceId(tenantId, callSid, 1));
    await run.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "caller" }, new Error("D1 is restarting"), 2);
    });
    await startPostCall(env, postCallJob(tenantId, callSid));
    const outcome = await outcomeOf(await postCallInstanceId(tenantId, callSid, 1));
    expect(outcome).toMatchObject({ status: "pending_llm", steps: { caller: "done" } });
    expect(await callCount(ctx, phone)).toBe(1);
  });

  it("records the failure when a step's retries are spent, and a re-run finishes the job", async () => {
    const callSid = await recordCall(ctx, uniquePhone());
    const first = await postCallInstanceId(tenantId, callSid, 1);
    const run = await watchRun(first);
    await run.modify(async (m) => {
      await m.disableRetryDelays();
      await m.mockStepError({ name: "summary" }, new Error("model unreachable"));
    });
    await startPostCall(env, postCallJob(tenantId, callSid));
    await run.waitForStatus("errored");
    expect(await jobRow(ctx, callSid)).toMatchObject({ status: "failed", attempts: 1 });

    const rerun = await processCall(apiKey, { call_sid: callSid });
    expect(rerun.status).toBe(200);
    expect(rerun.body.result).toMatchObject({ status: "pending_llm", unchanged: false });
    expect(await jobRow(ctx, callSid)).toMatchObject({ status: "pending_llm", attempts: 2 });
    const second = await env.POST_CALL_WORKFLOW.get(await postCallInstanceId(tenantId, callSid, 2));
    expect((await second.status()).status).toBe("complete");
  });

  it("numbers each /v2/process-call re-run after the call's earlier runs", async () => {
    const ingested = await processCall(apiKey, { user_id: uniquePhone(), transcript: TRANSCRIPT });
    expect(ingested.body.result?.status).toBe("pending_llm");
    const callSid = ingested.body.call_sid ?? "";
    const again = await processCall(apiKey, { call_sid: callSid });
    expect(again.body.result).toMatchObject({ status: "pending_llm", unchanged: true });
    expect((await jobRow(ctx, callSid))?.attempts).toBe(2);
    for (const run of [1, 2]) {
      const instance = await env.POST_CALL_WORKFLOW.get(
        await postCallInstanceId(tenantId, callSid, run),
      );
      expect((await instance.status()).status).toBe("complete");
    }
  });

  it("runs a call_sid two tenants both ingested once for each tenant", async () => {
    const other = await freshTenant();
    const callSid = uniqueCallSid();
    for (const key of [apiKey, other.apiKey]) {
      const res = await processCall(key, {
        call_sid: callSid,
        user_id: uniquePhone(),
        transcript: TRANSCRIPT,
      });
      expect(res.body.result).toMatchObject({ status: "pending_llm", unchanged: false });
    }
    for (const tenant of [ctx, other.ctx]) {
      const summary = await tenant.d1
        .prepare("SELECT method FROM call_summaries WHERE call_sid = ?")
        .bind(callSid)
        .first<{ method: string }>();
      expect(summary?.method).toBe("extractive");
    }
    expect(await postCallInstanceId(tenantId, callSid, 1)).not.toBe(
      await postCallInstanceId(other.id, callSid, 1),
    );
  });

  it("stops at its first step, touching nothing, when the tenant was suspended", async () => {
    const suspended = await freshTenant();
    const callSid = await recordCall(suspended.ctx, uniquePhone());
    await env.PLATFORM_DB.prepare("UPDATE tenants SET status = 'suspended' WHERE id = ?")
      .bind(suspended.id)
      .run();
    const run = await watchRun(await postCallInstanceId(suspended.id, callSid, 1));
    await startPostCall(env, postCallJob(suspended.id, callSid));
    await run.waitForStatus("errored");
    expect(await jobRow(suspended.ctx, callSid)).toBeNull();
  });

  it("texts the summary to the business's recipients and sends it right away", async () => {
    const tenant = await createTenantWithKey("insurance_v1", "Texting Agency");
    const recipient = `+1714${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
    await api("PATCH", `/api/platform/tenants/${tenant.id}`, {
      auth: { session: tenant.admin },
      body: { agentConfig: { smsRecipients: [recipient] } },
    });
    const texting = await contextOf(tenant.id);
    const callSid = await recordCall(texting, uniquePhone());
    await watchRun(await postCallInstanceId(tenant.id, callSid, 1));
    await startPostCall(env, postCallJob(tenant.id, callSid));
    await outcomeOf(await postCallInstanceId(tenant.id, callSid, 1));
    const text = await texting.d1
      .prepare("SELECT to_number, status, body FROM sms_outbox WHERE call_sid = ?")
      .bind(callSid)
      .first<{ to_number: string; status: string; body: string }>();
    expect(text).toMatchObject({ to_number: recipient, status: "sent" });
    expect(text?.body).toContain("RAV4");
  });
});
