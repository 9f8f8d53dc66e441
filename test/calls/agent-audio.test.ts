import { beforeAll, describe, expect, it } from "vitest";
import { AgentAudioOut } from "../../durable-objects/call-session/agent-audio";
import { createTenantWithKey } from "../support/tenants";
import type { CreatedTenant } from "../support/tenants";
import {
  FakeTwilio,
  frame,
  newCallSid,
  placeCall,
  simSessions,
  tenantCtx,
  until,
  useScript,
} from "./support";

type Sent = { event: string; streamSid?: string; media?: { payload: string } };

function outbox(): { sent: Sent[]; send: (m: object) => void } {
  const sent: Sent[] = [];
  return { sent, send: (m) => sent.push(m as Sent) };
}

const chunk = (itemId: string, fill: number) => ({
  itemId,
  contentIndex: 0,
  payload: frame(fill),
});

describe("agent audio before a stream's start", () => {
  it("is held until Twilio's start names the stream, then sent on that streamSid in order", () => {
    const audio = new AgentAudioOut();
    audio.onDelta(chunk("item_1", 1));
    audio.onDelta(chunk("item_1", 2));
    expect(audio.pendingChunks).toBe(2);
    const twilio = outbox();
    audio.attach("MZnew", twilio.send);
    const media = twilio.sent.filter((m) => m.event === "media");
    expect(media.map((m) => m.media?.payload)).toEqual([frame(1), frame(2)]);
    expect(new Set(twilio.sent.map((m) => m.streamSid))).toEqual(new Set(["MZnew"]));
  });

  it("produced after the old stream was lost goes out on the new stream, not the old one", () => {
    const audio = new AgentAudioOut();
    const old = outbox();
    audio.attach("MZold", old.send);
    audio.onDelta(chunk("item_1", 1));
    audio.detach(); // the stream dropped (deploy, rollover of the stream)
    audio.onDelta(chunk("item_1", 2));
    audio.onDelta(chunk("item_2", 3));
    const fresh = outbox();
    audio.attach("MZfresh", fresh.send);
    expect(old.sent.filter((m) => m.event === "media").map((m) => m.media?.payload)).toEqual([
      frame(1),
    ]);
    expect(fresh.sent.filter((m) => m.event === "media").map((m) => m.media?.payload)).toEqual([
      frame(2),
      frame(3),
    ]);
    expect(new Set(fresh.sent.map((m) => m.streamSid))).toEqual(new Set(["MZfresh"]));
  });
});

let tenant: CreatedTenant;
beforeAll(async () => {
  tenant = await createTenantWithKey();
});

describe("an agent turn the caller interrupts", () => {
  it("is stored with only the words the caller heard, marked as interrupted", async () => {
    const line =
      "Thanks for calling Test Agency, we insure cars, homes, boats and small businesses.";
    const apiKey = await useScript(tenant.id, {
      speed: 50,
      steps: [
        { on: "response.create", do: [{ say: line, audioMs: 2000 }] },
        { on: "caller_audio_ms:100", do: [{ callerSays: "Sorry, quick question", audioMs: 50 }] },
      ],
    });
    const callSid = newCallSid();
    const { token } = await placeCall(tenant.phoneNumber, callSid);
    const twilio = await FakeTwilio.connect(callSid);
    twilio.autoEcho = false;
    twilio.start(token);
    await until(async () => (await simSessions(apiKey))[0]?.responses[0]?.status === "completed");
    await until(() => twilio.pendingMarks >= 12);
    twilio.play(8); // about 0.8 s of 2 s played when the caller cuts in
    twilio.media(undefined, 6);
    const truncate = await until(async () => (await simSessions(apiKey))[0]?.truncates[0]);
    await until(async () => (await simSessions(apiKey))[0]?.responses[1]?.status === "completed");
    await new Promise((r) => setTimeout(r, 100));
    twilio.stop();

    const ctx = await tenantCtx(tenant.id);
    const turns = await until(async () => {
      const rows = await ctx.d1
        .prepare("SELECT speaker, text FROM transcript_turns WHERE call_sid = ? ORDER BY seq")
        .bind(callSid)
        .all<{ speaker: string; text: string }>();
      return rows.results.length >= 2 ? rows.results : null;
    });
    const first = turns[0];
    expect(first?.speaker).toBe("agent");
    const heardMs = truncate.audioEndMs;
    expect(heardMs).toBeGreaterThan(500);
    expect(heardMs).toBeLessThan(1600);
    const [heard, note] = (first?.text ?? "").split("… ");
    // Only a prefix of the line, no more words than the share of its audio that was played.
    expect(line.startsWith(heard ?? "-")).toBe(true);
    const words = line.split(" ").length;
    expect(heard?.split(" ").length).toBeLessThanOrEqual(Math.floor((words * heardMs) / 2000));
    expect(note).toBe(
      `[interrupted by the caller after ${(heardMs / 1000).toFixed(1)} s of 2.0 s]`,
    );
    expect(turns[1]).toEqual({ speaker: "caller", text: "Sorry, quick question" });
  });
});
