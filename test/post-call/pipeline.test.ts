import { beforeAll, describe, expect, it, vi } from "vitest";
import { listMemories } from "../../workers/memory/memories";
import { OpenAiLlm } from "../../workers/post-call/llm";
import { runPostCall } from "../../workers/post-call/pipeline";
import type { TenantContext } from "../../workers/tenancy/tenant-context";
import { freshTenant, uniquePhone } from "../memory/support";
import { captureLogEvents } from "../support/log-events";
import { unhandledRejectionsDuring } from "../support/unhandled";
import { callCount, recordCall as recordCallIn } from "./support";

// The post-call steps, run in-process with a stand-in LLM (the workflow runs the same steps:
// workflow.test.ts).
let ctx: TenantContext;
beforeAll(async () => {
  ctx = (await freshTenant()).ctx;
});

const recordCall = (phone: string) => recordCallIn(ctx, phone);

/** A stand-in OpenAI server: answers chat completions by the response_format schema name. */
function fakeOpenAi(answers: Record<string, unknown>) {
  const calls: string[] = [];
  const fetchFn = vi.fn((_input: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as {
      response_format: { json_schema: { name: string; strict: boolean } };
    };
    const name = body.response_format.json_schema.name;
    calls.push(name);
    return Promise.resolve(
      Response.json({
        id: "chatcmpl-test",
        object: "chat.completion",
        created: 0,
        model: "gpt-4o-mini",
        choices: [
          {
            index: 0,
            finish_reason: "stop",
            message: { role: "assistant", content: JSON.stringify(answers[name] ?? {}) },
          },
        ],
      }),
    );
  });
  const llm = new OpenAiLlm({
    apiKey: "sk-test",
    baseURL: "http://llm.test/v1",
    fetch: fetchFn,
  });
  return { llm, calls };
}

const ANSWERS = {
  call_summary: {
    summary: "John swapped his Camry for a 2021 RAV4; agent will call back with the premium.",
    sentiment: "positive",
    open_items: [{ key: "callback_premium", text: "Call back with the new RAV4 premium" }],
    metrics: {
      sentiment: 0.8,
      satisfaction: 0.7,
      patience: 0.9,
      friendliness: 0.8,
      urgency: 0.3,
      verbosity: 0.4,
    },
  },
  call_facts: {
    facts: [
      {
        type: "vehicle",
        key: "car",
        value: "Drives a 2021 Toyota RAV4",
        turn: 1,
        confidence: 0.95,
      },
    ],
    resolved_open_items: [],
    profile_patch_json: JSON.stringify({ first_name: "John", not_a_field: true }),
  },
};

describe("post-call pipeline", () => {
  it("without an LLM stores an extractive summary and leaves the LLM steps pending", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const outcome = await runPostCall(ctx, callSid, { llm: null });
    expect(outcome).toMatchObject({
      status: "pending_llm",
      summaryMethod: "extractive",
      steps: { caller: "done", summary: "pending", facts: "pending", embeddings: "done" },
    });
    const summary = await ctx.d1
      .prepare("SELECT summary, method FROM call_summaries WHERE call_sid = ?")
      .bind(callSid)
      .first<{ summary: string; method: string }>();
    expect(summary?.method).toBe("extractive");
    expect(summary?.summary).toContain("RAV4");
    const job = await ctx.d1
      .prepare("SELECT status FROM post_call_jobs WHERE call_sid = ?")
      .bind(callSid)
      .first<{ status: string }>();
    expect(job?.status).toBe("pending_llm");
  });

  it.each([
    ["cannot be resolved", "http://no-such-host.invalid/v1"],
    ["refuses the connection", "http://127.0.0.1:9/v1"],
  ])("falls back to the extractive summary when the LLM's host %s", async (_case, baseURL) => {
    const logs = captureLogEvents();
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const llm = new OpenAiLlm({ apiKey: "sk-offline", baseURL });
    const { result: outcome, unhandled } = await unhandledRejectionsDuring(() =>
      runPostCall(ctx, callSid, { llm }),
    );
    expect(outcome).toMatchObject({
      status: "pending_llm",
      summaryMethod: "extractive",
      steps: { summary: "pending", facts: "pending" },
    });
    const summary = await ctx.d1
      .prepare("SELECT method FROM call_summaries WHERE call_sid = ?")
      .bind(callSid)
      .first<{ method: string }>();
    expect(summary?.method).toBe("extractive");
    logs.expectEvent("post_call.llm_unreachable", { tenantId: ctx.tenantId, callSid });
    expect(logs.text()).not.toContain(baseURL);
    expect(logs.text()).not.toContain("sk-offline");
    expect(unhandled).toEqual([]);
  });

  it("with an LLM stores the summary, facts, profile patch and metrics", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const { llm } = fakeOpenAi(ANSWERS);
    const outcome = await runPostCall(ctx, callSid, { llm });
    expect(outcome).toMatchObject({ status: "done", summaryMethod: "llm", facts: { added: 1 } });
    expect(outcome.profileRejected.map((r) => r.path)).toEqual(["not_a_field"]);
    const memories = await listMemories(ctx, { phone, limit: 10 });
    expect(memories.map((m) => m.value).sort()).toEqual([
      "Call back with the new RAV4 premium",
      "Drives a 2021 Toyota RAV4",
    ]);
    expect(memories.find((m) => m.key === "car")?.source.callSid).toBe(callSid);
    const caller = await ctx.d1
      .prepare("SELECT first_name, call_count FROM callers WHERE phone = ?")
      .bind(phone)
      .first<{ first_name: string; call_count: number }>();
    expect(caller).toEqual({ first_name: "John", call_count: 1 });
    const avg = await ctx.d1
      .prepare(
        "SELECT average, samples FROM personality_averages WHERE metric = 'patience' AND caller_id = (SELECT id FROM callers WHERE phone = ?)",
      )
      .bind(phone)
      .first();
    expect(avg).toEqual({ average: 0.9, samples: 1 });
  });

  it("changes nothing when the same job is delivered twice", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const first = fakeOpenAi(ANSWERS);
    await runPostCall(ctx, callSid, { llm: first.llm });
    const second = fakeOpenAi(ANSWERS);
    const again = await runPostCall(ctx, callSid, { llm: second.llm });
    expect(again).toMatchObject({ status: "done", unchanged: true });
    expect(second.calls).toEqual([]);
    const caller = await ctx.d1
      .prepare("SELECT call_count FROM callers WHERE phone = ?")
      .bind(phone)
      .first<{ call_count: number }>();
    expect(caller?.call_count).toBe(1);
  });

  it("runs the pending LLM steps later, replacing the extractive summary", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    await runPostCall(ctx, callSid, { llm: null });
    const { llm, calls } = fakeOpenAi(ANSWERS);
    const outcome = await runPostCall(ctx, callSid, { llm });
    expect(outcome.status).toBe("done");
    expect(calls).toEqual(["call_summary", "call_facts"]);
    const summary = await ctx.d1
      .prepare("SELECT method FROM call_summaries WHERE call_sid = ?")
      .bind(callSid)
      .first<{ method: string }>();
    expect(summary?.method).toBe("llm");
  });

  it("keeps steps retryable when the model answers off-schema", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const { llm } = fakeOpenAi({ call_summary: { summary: "" } });
    await expect(runPostCall(ctx, callSid, { llm })).rejects.toThrow(/schema/);
    const job = await ctx.d1
      .prepare("SELECT status, steps FROM post_call_jobs WHERE call_sid = ?")
      .bind(callSid)
      .first<{ status: string; steps: string }>();
    expect(job?.status).toBe("failed");
    expect(JSON.parse(job?.steps ?? "{}")).toMatchObject({ caller: "done" });
  });
  it("links a lead captured during a first call to the caller the pipeline created", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    await ctx.d1
      .prepare(
        "INSERT INTO leads (id, phone, reason, source, stage, call_sid) VALUES (?, ?, 'RAV4 quote', 'call', 'new', ?)",
      )
      .bind(`lead_${callSid}`, phone, callSid)
      .run();
    await runPostCall(ctx, callSid, { llm: null });
    const lead = await ctx.d1
      .prepare(
        "SELECT l.caller_id = c.id AS linked FROM leads l, callers c WHERE l.call_sid = ? AND c.phone = ?",
      )
      .bind(callSid, phone)
      .first<{ linked: number }>();
    expect(lead?.linked).toBe(1);
  });

  it("counts the call once when a failed run is run again", async () => {
    const phone = uniquePhone();
    const callSid = await recordCall(phone);
    const broken = fakeOpenAi({ call_summary: { summary: "" } });
    await expect(runPostCall(ctx, callSid, { llm: broken.llm })).rejects.toThrow(/schema/);
    const outcome = await runPostCall(ctx, callSid, { llm: fakeOpenAi(ANSWERS).llm });
    expect(outcome.status).toBe("done");
    expect(await callCount(ctx, phone)).toBe(1);
  });
});
