import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { signStreamToken } from "../../workers/calls/stream-token";
import { getCall } from "../../workers/calls/call-records";
import { resolveTenant } from "../../workers/tenancy/tenant-context";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import {
  FakeTwilio,
  FRAME_BYTES,
  newCallSid,
  placeCall,
  simSessions,
  twilioPost,
  until,
  useScript,
} from "./support";

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});

async function ctx() {
  const resolved = await resolveTenant(env, { kind: "queue", tenantId: tenant.id });
  if (!resolved.ok) throw new Error(resolved.reason);
  return resolved.ctx;
}

const GREETING_ONLY = {
  speed: 50,
  steps: [{ on: "response.create" as const, do: [{ say: "Hello!", audioMs: 300 }] }],
};

describe("media stream: token checks", () => {
  it.each([
    ["a bad token", () => Promise.resolve("not.a-token")],
    [
      "an expired token",
      async (callSid: string) =>
        signStreamToken(
          env,
          { tenantId: tenant.id, callSid, generation: 1 },
          { now: Date.now() - 3_600_000 },
        ),
    ],
    [
      "another call's token",
      async () =>
        signStreamToken(env, { tenantId: tenant.id, callSid: newCallSid(), generation: 1 }),
    ],
  ])("closes the stream with 1008 before any model socket opens for %s", async (_name, make) => {
    const apiKey = await useScript(tenant.id, GREETING_ONLY);
    const callSid = newCallSid();
    await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(await make(callSid));
    await until(() => twilio.closed);
    expect(twilio.closed?.code).toBe(1008);
    expect(await simSessions(apiKey)).toHaveLength(0);
  });

  it("answers 403 to a stream handshake without a valid signature, and 426 without upgrade", async () => {
    const callSid = newCallSid();
    await expect(FakeTwilio.connect(callSid, { signature: null })).rejects.toThrow(/403/);
    const plain = await twilioPost(`/twilio/media/${callSid}`, {});
    expect([404, 426]).toContain(plain.status);
  });
});

describe("media stream: a call", () => {
  it("configures the session before the first append and delivers caller audio sent before the model was ready", async () => {
    const apiKey = await useScript(tenant.id, GREETING_ONLY);
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    twilio.media(undefined, 25); // 500 ms of caller audio, straight after start
    const [session] = await until(async () => {
      const s = await simSessions(apiKey);
      return s[0] && s[0].appendedAudioBytes >= 25 * FRAME_BYTES ? s : null;
    });
    expect(session?.appendedAudioBytes).toBe(25 * FRAME_BYTES);
    expect(session?.events[0]?.type).toBe("session.update");
    expect(session?.errorsSent).toEqual([]);
    const update = session?.sessionUpdates[0];
    expect(update?.audio?.input?.format).toEqual({ type: "audio/pcmu" });
    expect(update?.audio?.output?.format).toEqual({ type: "audio/pcmu" });
    expect(update?.audio?.input?.transcription?.model).toBeTruthy();
    expect(update?.tools?.map((t) => t.name)).toContain("end_call");
    expect(update?.instructions).toContain("Test Agency");
    twilio.close();
  });

  it("sends each model delta as one media message on the call's streamSid, byte-identical", async () => {
    const apiKey = await useScript(tenant.id, GREETING_ONLY);
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    const session = await until(async () => {
      const s = (await simSessions(apiKey))[0];
      return s && s.responses[0]?.status === "completed" ? s : null;
    });
    await until(() => twilio.agentMedia().length >= session.deltas.length);
    const media = twilio.agentMedia();
    expect(media.map((m) => m.payload)).toEqual(session.deltas.map((d) => d.payload));
    expect(new Set(media.map((m) => m.streamSid))).toEqual(new Set([twilio.streamSid]));
    twilio.close();
  });

  it("on barge-in clears Twilio and truncates the item at exactly the audio played", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "A long greeting that goes on.", audioMs: 2000 }] },
        { on: "caller_audio_ms:100", do: [{ callerSays: "Sorry, quick question", audioMs: 50 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.autoEcho = false;
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.responses[0]?.status === "completed");
    await until(() => twilio.pendingMarks >= 5);
    // Playout reached the third mark: the caller heard exactly the audio before it.
    const thirdMark = twilio.received.filter((m) => m.event === "mark")[2];
    if (!thirdMark) throw new Error("expected three marks");
    const index = twilio.received.indexOf(thirdMark);
    const playedBytes = twilio.received
      .slice(0, index)
      .reduce((n, m) => n + (m.event === "media" ? atob(m.media.payload).length : 0), 0);
    twilio.play(3);
    twilio.media(undefined, 6); // the caller starts talking
    const truncate = await until(async () => (await simSessions(apiKey))[0]?.truncates[0]);
    expect(truncate.accepted).toBe(true);
    expect(truncate.audioEndMs).toBe(playedBytes / 8);
    expect(twilio.received.some((m) => m.event === "clear")).toBe(true);
    twilio.close();
  });

  it("persists the transcript and writes the call record once when Twilio sends stop", async () => {
    await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "Hello, how can I help?", audioMs: 200 }] },
        {
          on: "caller_audio_ms:100",
          do: [{ callerSays: "I want to check my policy", audioMs: 20 }],
        },
        { on: "response.create", do: [{ say: "Of course.", audioMs: 200 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    twilio.media(undefined, 10);
    await until(() => twilio.agentMedia().length > 4);
    await new Promise((r) => setTimeout(r, 300));
    twilio.stop();
    const tctx = await ctx();
    const row = await until(async () => {
      const r = await getCall(tctx, callSid);
      return r?.postCallStatus === "queued" ? r : null;
    });
    expect(row).toMatchObject({ endReason: "caller_hangup", outcome: "handled" });
    // The hang-up status callback afterwards changes the status but writes nothing twice.
    await twilioPost("/twilio/status", {
      CallSid: callSid,
      CallStatus: "completed",
      CallDuration: "3",
      To: tenant.phoneNumber,
      From: "+19495550100",
    });
    const turns = await tctx.d1
      .prepare("SELECT seq, speaker, text FROM transcript_turns WHERE call_sid = ? ORDER BY seq")
      .bind(callSid)
      .all();
    expect(turns.results.map((t) => [t["speaker"], t["text"]])).toEqual([
      ["agent", "Hello, how can I help?"],
      ["caller", "I want to check my policy"],
      ["agent", "Of course."],
    ]);
    expect((await getCall(tctx, callSid))?.status).toBe("completed");
  });

  it("reconnects a dropped model socket and restores the conversation", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: "Hello there.", audioMs: 200 }] },
        { on: "caller_audio_ms:100", do: [{ callerSays: "My name is Ann", audioMs: 20 }] },
        {
          on: "response.create",
          do: [{ say: "Nice to meet you.", audioMs: 200 }, { dropConnection: true }],
        },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    twilio.media(undefined, 10);
    const sessions = await until(async () => {
      const s = await simSessions(apiKey);
      return s.length >= 2 && s[1]?.restoredMessages.length ? s : null;
    });
    expect(sessions[1]?.events[0]?.type).toBe("session.update");
    expect(sessions[1]?.restoredMessages).toEqual([
      { role: "assistant", text: "Hello there." },
      { role: "user", text: "My name is Ann" },
      { role: "assistant", text: "Nice to meet you." },
    ]);
    expect(twilio.closed).toBeNull();
    twilio.close();
  });

  it("keeps the call going after a model error event", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        {
          on: "response.create",
          do: [
            { serverError: { code: "server_error", message: "boom" } },
            { say: "Still here.", audioMs: 200 },
          ],
        },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(() => twilio.agentMedia().length > 0);
    twilio.sendOffSpec({ event: "media", nonsense: true }); // malformed: skipped
    twilio.media(undefined, 3);
    await until(
      async () => ((await simSessions(apiKey))[0]?.appendedAudioBytes ?? 0) >= 3 * FRAME_BYTES,
    );
    expect(twilio.closed).toBeNull();
    expect(await simSessions(apiKey)).toHaveLength(1);
    twilio.close();
  });

  it("offers to take a message when the model cannot be reached again", async () => {
    await useScript(tenant.id, {
      speed: 50,
      maxSessions: 1,
      steps: [
        { on: "response.create", do: [{ say: "Hello.", audioMs: 100 }, { dropConnection: true }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.start(token);
    await until(() => twilio.closed);
    const res = await twilioPost("/twilio/continue", {
      CallSid: callSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
      CallStatus: "in-progress",
    });
    const twiml = await res.text();
    expect(twiml).toMatch(/<Say>Sorry, we are having trouble[^<]*<\/Say><Record /);
  });
});

describe("POST /twilio/continue", () => {
  it("answers a fresh stream for a call still in progress, so it resumes after a deploy", async () => {
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [{ on: "response.create", do: [{ say: "Hello there.", audioMs: 200 }] }],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const first = await FakeTwilio.connect(callSid);
    first.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.responses[0]?.status === "completed");
    await until(() => first.agentMedia().length > 0);
    first.close(); // the stream drops without a stop, as on a deploy
    const res = await twilioPost("/twilio/continue", {
      CallSid: callSid,
      From: "+19495550100",
      To: tenant.phoneNumber,
      CallStatus: "in-progress",
    });
    const twiml = await res.text();
    expect(twiml).toContain(`<Stream url="wss://receptionist.test/twilio/media/${callSid}">`);
    const newToken = /<Parameter name="token" value="([^"]+)"\/>/.exec(twiml)?.[1] ?? "";
    const second = await FakeTwilio.connect(callSid);
    second.start(newToken);
    const sessions = await until(async () => {
      const s = await simSessions(apiKey);
      return s.length >= 2 && s[1]?.restoredMessages.length ? s : null;
    });
    expect(sessions[1]?.restoredMessages).toEqual([{ role: "assistant", text: "Hello there." }]);
    second.close();
  });
});
