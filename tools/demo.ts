/**
 * `npm run demo`: one scripted phone call through the whole local platform, end to end.
 *
 * Starts a private local platform (fresh state, migrated, demo tenants seeded, `wrangler dev`),
 * the Twilio REST simulator, and, unless OPENAI_API_KEY is set, the Realtime simulator playing
 * a scripted model: greeting → the caller (John Smith, a seeded client) mentions a new car and
 * asks for an umbrella quote → the model remembers the car (remember_fact, superseding the
 * seeded Camry) → captures a lead, reading the number back first
 * (capture_lead confirmed=false, then true) → answers → goodbye and end_call. The Twilio caller
 * simulator dials the demo agency (+19497071290), follows the TwiML and streams 20 ms μ-law
 * frames in real time. Prints the transcript, the tools called and the stored call record.
 *
 * With OPENAI_API_KEY set, the platform talks to the real OpenAI Realtime API instead (the
 * caller's audio is synthetic, so the model hears tones, not words: it shows the real session
 * setup, greeting and relay, not a conversation).
 *
 *   npm run demo [-- --to +19497071290 --from +19495550100 --seconds 40]
 */
import { startLocalPlatform } from "./local-platform";
import type { RealtimeScript, SessionLog } from "./sim/realtime-server";
import { startRealtimeSimulator } from "./sim/realtime-server";
import type { CallLine } from "./sim/twilio-caller";
import { simulateCall } from "./sim/twilio-caller";
import { startTwilioRestSimulator } from "./sim/twilio-rest";

const DEMO_TWILIO = {
  accountSid: "AC00000000000000000000000000000000",
  authToken: "local-demo-twilio-auth-token",
};
const SIM_OPENAI_KEY = "sk-local-demo";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const to = arg("--to", "+19497071290");
const from = arg("--from", "+19495550100");
const seconds = Number(arg("--seconds", "40"));
const realKey = process.env.OPENAI_API_KEY ?? "";
/** --verbose: also print the platform's own log lines (JSON events from wrangler dev). */
const verbose = process.argv.includes("--verbose");

/** What the caller says, and when (ms after the stream started). */
const CALLER_LINES: CallLine[] = [
  {
    afterMs: 5_000,
    text: "Hi Barbara. I traded my Camry for a 2022 RAV4 last week, and I'd like a quote for an umbrella policy.",
    audioMs: 3_000,
  },
  { afterMs: 17_000, text: "Yes, that's right.", audioMs: 1_000 },
  { afterMs: 25_500, text: "No, that's all. Bye!", audioMs: 1_000 },
];

function line(i: number): CallLine {
  const l = CALLER_LINES[i];
  if (!l) throw new Error(`no caller line ${i}`);
  return l;
}

/** The scripted model, in step with CALLER_LINES. */
const SCRIPT: RealtimeScript = {
  speed: 2,
  steps: [
    {
      on: "response.create",
      do: [
        {
          say: "Hi John, thanks for calling Peterson Family Insurance. This is Barbara, how can I help?",
          audioMs: 3_500,
        },
      ],
    },
    {
      on: `caller_audio_ms:${line(0).afterMs}`,
      do: [{ callerSays: line(0).text, audioMs: line(0).audioMs ?? 3_000 }],
    },
    {
      on: "response.create",
      do: [
        {
          callTool: "remember_fact",
          args: {
            type: "fact",
            key: "vehicle",
            value: "Drives a 2022 Toyota RAV4 (replaced the 2012 Camry)",
          },
        },
      ],
    },
    {
      on: "function_output:remember_fact",
      do: [
        {
          callTool: "capture_lead",
          args: { name: "John Smith", reason: "Umbrella policy quote", confirmed: false },
        },
      ],
    },
    {
      on: "function_output:capture_lead",
      do: [
        {
          say: "Congratulations on the RAV4, I've noted it. For the umbrella quote, is the best number nine four nine, five five five, zero one zero zero?",
          audioMs: 6_000,
        },
      ],
    },
    {
      on: `caller_audio_ms:${line(1).afterMs}`,
      do: [{ callerSays: line(1).text, audioMs: line(1).audioMs ?? 1_000 }],
    },
    {
      on: "response.create",
      do: [
        {
          callTool: "capture_lead",
          args: { name: "John Smith", reason: "Umbrella policy quote", confirmed: true },
        },
      ],
    },
    {
      on: "function_output:capture_lead",
      do: [
        {
          say: "Thank you, John. A licensed agent will call you about the umbrella quote. Is there anything else?",
          audioMs: 4_500,
        },
      ],
    },
    {
      on: `caller_audio_ms:${line(2).afterMs}`,
      do: [{ callerSays: line(2).text, audioMs: line(2).audioMs ?? 1_000 }],
    },
    {
      on: "response.create",
      do: [
        { say: "You're welcome. Have a great day, goodbye!", audioMs: 2_000 },
        { hangupHint: true },
      ],
    },
  ],
};

/** What the scripted model answers to the post-call pipeline's structured-output requests. */
const POST_CALL_ANSWERS: Record<string, unknown> = {
  call_summary: {
    summary:
      "John Smith replaced his 2012 Camry with a 2022 RAV4 and asked for an umbrella policy quote. Confirmed callback number +19495550100; a licensed agent will call him.",
    sentiment: "positive",
    open_items: [{ key: "umbrella_quote", text: "Call John back with an umbrella policy quote" }],
    metrics: {
      sentiment: 0.8,
      satisfaction: 0.85,
      patience: 0.7,
      friendliness: 0.9,
      urgency: 0.3,
      verbosity: 0.4,
    },
  },
  call_facts: {
    facts: [
      {
        type: "vehicle",
        key: "vehicle",
        value: "Drives a 2022 Toyota RAV4 (replaced the Camry)",
        turn: 2,
        confidence: 0.95,
      },
      {
        type: "open_item",
        key: "umbrella_quote",
        value: "Wants a quote for an umbrella policy",
        turn: 2,
        confidence: 0.9,
      },
    ],
    resolved_open_items: [],
    profile_patch_json: JSON.stringify({
      vehicles: [{ vin: "JTMB1RFV5ND000001", year: 2022, make: "Toyota", model: "RAV4" }],
    }),
  },
};

/** GET /api/tenants/:tenantId/calls/:callSid (workers/admin/call-log.ts), the parts printed. */
interface CallDetail {
  call: Record<string, unknown> & { endedAt: string | null };
  transcript: { seq: number; speaker: string; text: string; at: string }[];
  summary: unknown;
  metrics: unknown;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function storedCall(
  baseUrl: string,
  tenantId: string,
  apiKey: string,
  callSid: string,
): Promise<CallDetail | null> {
  // The record is written when the call ends (stop / status callback): poll briefly.
  for (let i = 0; i < 40; i++) {
    const res = await fetch(`${baseUrl}/api/tenants/${tenantId}/calls/${callSid}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (res.ok) {
      const detail: CallDetail = await res.json();
      if (detail.call.endedAt) return detail;
    } else if (res.status !== 404) {
      console.log(`  (call record: HTTP ${res.status} ${await res.text()})`);
      return null;
    }
    await sleep(250);
  }
  return null;
}

interface LeadRow {
  name: string | null;
  phone: string | null;
  reason: string;
  callSid: string | null;
}

async function printLeads(baseUrl: string, tenantId: string, apiKey: string, callSid: string) {
  const res = await fetch(`${baseUrl}/api/tenants/${tenantId}/leads`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (!res.ok) return;
  const body: { leads?: LeadRow[] } = await res.json();
  const fromCall = (body.leads ?? []).filter((l) => l.callSid === callSid);
  console.log("\nLeads captured on this call:");
  for (const l of fromCall) console.log(`  ${l.name ?? "?"}  ${l.phone ?? "?"}  ${l.reason}`);
  if (fromCall.length === 0) console.log("  none");
}

/** The queued post-call job runs in the platform's queue consumer: wait for it, then show its work. */
async function printPostCall(
  baseUrl: string,
  tenantId: string,
  apiKey: string,
  callSid: string,
  twilio: { messages: { to: string; body: string }[] },
): Promise<void> {
  let detail: CallDetail | null = null;
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${baseUrl}/api/tenants/${tenantId}/calls/${callSid}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (res.ok) {
      detail = await res.json();
      const status = detail?.call.postCallStatus;
      if (status === "done" || status === "pending_llm") break;
    }
    await sleep(250);
  }
  const status = detail?.call.postCallStatus;
  console.log(`\nPost-call job: ${typeof status === "string" ? status : "not finished"}`);
  console.log(`Summary: ${JSON.stringify(detail?.summary ?? null, null, 2)}`);
  for (let i = 0; i < 20 && twilio.messages.length === 0; i++) await sleep(250);
  console.log("\nSMS sent to the business:");
  for (const m of twilio.messages)
    console.log(`  to ${m.to}:\n    ${m.body.replace(/\n/g, "\n    ")}`);
  if (twilio.messages.length === 0) console.log("  none");
  const profile = await fetch(`${baseUrl}/caller/profile/${encodeURIComponent("+19495550100")}`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  if (profile.ok) {
    const body: { bio?: string; profile?: { bio?: string } } = await profile.json();
    console.log(`\nCaller bio after the call: ${body.bio ?? body.profile?.bio ?? "?"}`);
  }
}

function printSession(session: SessionLog | undefined): void {
  if (!session) return;
  console.log("\nTools called (as the model saw them):");
  for (const out of session.functionOutputs) console.log(`  ${out.name ?? "?"} → ${out.output}`);
  const errors = session.errorsSent.map((e) => `${e.code}: ${e.message}`);
  console.log(`\nRealtime protocol errors: ${errors.length === 0 ? "none" : errors.join("; ")}`);
  const truncates = session.truncates.filter((t) => !t.accepted).length;
  console.log(`Truncates rejected: ${truncates}`);
}

async function main(): Promise<void> {
  const twilio = await startTwilioRestSimulator({
    accounts: { [DEMO_TWILIO.accountSid]: DEMO_TWILIO.authToken },
  });
  const realtime = realKey
    ? null
    : await startRealtimeSimulator({
        script: SCRIPT,
        expectedApiKey: SIM_OPENAI_KEY,
        chat: { json: POST_CALL_ANSWERS },
      });
  console.log(
    realKey
      ? "Model: the real OpenAI Realtime API (OPENAI_API_KEY is set)"
      : `Model: Realtime simulator at ${realtime?.url ?? "?"} (scripted)`,
  );
  console.log("Starting the local platform (fresh state, migrations, seed, wrangler dev)…");
  const platform = await startLocalPlatform({
    ...(verbose ? { log: (text: string) => process.stdout.write(`  [platform] ${text}`) } : {}),
    vars: {
      TWILIO_ACCOUNT_SID: DEMO_TWILIO.accountSid,
      TWILIO_AUTH_TOKEN: DEMO_TWILIO.authToken,
      TWILIO_API_BASE_URL: twilio.url,
      ...(realtime
        ? {
            OPENAI_API_KEY: SIM_OPENAI_KEY,
            OPENAI_REALTIME_URL: realtime.url,
            OPENAI_BASE_URL: realtime.httpBaseUrl,
          }
        : {
            OPENAI_API_KEY: realKey,
            OPENAI_REALTIME_URL: "wss://api.openai.com/v1/realtime",
            OPENAI_BASE_URL: "https://api.openai.com/v1",
          }),
    },
  });
  let failed = false;
  try {
    console.log(`Platform at ${platform.baseUrl}. Calling ${to} from ${from}…\n`);
    const report = await simulateCall({
      baseUrl: platform.baseUrl,
      publicBaseUrl: platform.baseUrl,
      authToken: DEMO_TWILIO.authToken,
      accountSid: DEMO_TWILIO.accountSid,
      from,
      to,
      lines: CALLER_LINES,
      durationMs: seconds * 1000,
      onEvent: (e) => {
        if (e.type === "stream_open") console.log("  [twilio] media stream open");
        if (e.type === "clear")
          console.log(`  [twilio] clear (barge-in), ${e.droppedBytes} B dropped`);
        if (e.type === "stream_closed")
          console.log(`  [twilio] stream closed by ${e.by} (${e.code})`);
        if (e.type === "continuation")
          console.log(`  [twilio] continuation ${e.url} → HTTP ${e.status}`);
        if (e.type === "error") console.log(`  [twilio] error: ${e.message}`);
      },
    });
    const agentSeconds = (report.agentAudioBytes / 8000).toFixed(1);
    console.log(
      `\nCall ${report.callSid}: ${report.framesSent} caller frames sent, ${agentSeconds} s of agent audio received, ${report.marksEchoed.length} marks echoed, ${report.clears.length} clears.`,
    );
    if (report.errors.length > 0) {
      failed = true;
      console.log(`Caller errors: ${report.errors.join("; ")}`);
    }
    printSession(realtime?.sessions[0]);

    const peterson = Object.entries(platform.apiKeys).find(([slug]) => slug.includes("peterson"));
    const tenantId = "tnt_demo_peterson";
    if (!peterson) throw new Error("the seed created no API key for the Peterson demo tenant");
    const detail = await storedCall(platform.baseUrl, tenantId, peterson[1], report.callSid);
    if (!detail) {
      failed = true;
      console.log("\nNo finished call record was found.");
    } else {
      console.log("\nTranscript (stored):");
      for (const turn of detail.transcript) console.log(`  ${turn.speaker.padEnd(7)} ${turn.text}`);
      console.log("\nStored call record:");
      console.log(JSON.stringify(detail.call, null, 2));
      await printLeads(platform.baseUrl, tenantId, peterson[1], report.callSid);
      await printPostCall(platform.baseUrl, tenantId, peterson[1], report.callSid, twilio);
    }
  } finally {
    await platform.stop();
    await realtime?.close();
    await twilio.close();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
