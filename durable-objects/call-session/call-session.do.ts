/**
 * CallSession — one live call, named by its CallSid (so a stream that reconnects after a
 * deploy or crash lands on the same object and the same stored conversation).
 *
 * Named by CallSid alone, not tenant + CallSid: the media handshake names only the CallSid
 * (the tenant is in the token, which arrives after the upgrade), and a rename would strand the
 * calls live at the deploy that made it. A CallSid is not a proof of tenant, so every RPC takes
 * the tenant its webhook resolved and is refused when the call is another tenant's
 * (stream-claim.ts).
 *
 * Responsibilities:
 * - accept the Twilio Media Streams WebSocket (`fetch`, upgrade only; 426 otherwise) and hand
 *   it to a CallRelay, which checks the stream token and bridges it to OpenAI Realtime;
 * - keep the call's state in storage as it happens (storage.ts: meta + transcript turns);
 * - drive deadlines with the alarm: session rollover before the Realtime length cap, the
 *   hang-up backstop, and finalising a call whose stream vanished without coming back;
 * - answer the continuation endpoint (what the line does when a stream ends) and the status
 *   callback (the call is over: finalise once) over RPC;
 * - keep nothing once the call record is written (retention.ts: the alarm clears storage after
 *   a grace), and clear a finished call at once when its caller is forgotten (`forgetCaller`).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../workers/env";
import { log } from "../../workers/observability/log";
import type { EndReason } from "./finalise";
import { finaliseFromStore, tenantFromMeta } from "./finalise";
import { HANDSHAKE_HEADERS } from "./protocol/handshake";
import type { HandshakeProof } from "./relay";
import { CallRelay } from "./relay";
import type { ForgetInCallObject } from "./retention";
import { CallRetention } from "./retention";
import { CallStore } from "./storage";
import type { AnswerResult, TenantCheck } from "./stream-claim";
import {
  answerCall,
  callTenant,
  checkTenant,
  issueGeneration,
  openGeneration,
} from "./stream-claim";

/** Realtime sessions end at 60 minutes; move to a fresh one comfortably before. */
export const DEFAULT_ROLLOVER_SECONDS = 55 * 60;
/** If the goodbye's marks never come back, hang up anyway after this. */
export const HANGUP_GRACE_MS = 15_000;
/** A stream lost without `stop` has this long to come back through the <Redirect>. */
export const DETACHED_GRACE_MS = 60_000;
/** While a call is active the alarm also checks, this often, that a stream is still attached. */
export const WATCHDOG_MS = 60_000;
/** Continuations answered with a fresh stream before we stop trying and take a message. */
export const MAX_RESUMES = 3;

export type Continuation =
  | { kind: "resume"; generation: number }
  /** A stream is still live here: Twilio is to ask again shortly, nothing is issued now. */
  | { kind: "wait" }
  | { kind: "dial"; to: string }
  | { kind: "message" }
  | { kind: "hangup" }
  /** The call is another tenant's. */
  | { kind: "refused" };

export type CallEndedResult =
  "finalised" | "already_finalised" | "no_session" | "no_tenant" | "wrong_tenant";

export class CallSession extends DurableObject<Env> {
  #store: CallStore;
  #relay: CallRelay | null = null;
  #retention: CallRetention;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new CallStore(ctx.storage.kv);
    this.#retention = new CallRetention(ctx.storage, this.#store);
  }

  #rolloverMs(): number {
    const seconds = Number(this.env.CALL_SESSION_ROLLOVER_SECONDS);
    return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_ROLLOVER_SECONDS) * 1000;
  }

  override fetch(request: Request): Response {
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    }
    const callSid = decodeURIComponent(new URL(request.url).pathname.split("/").pop() ?? "");
    const handshake: HandshakeProof = {
      platformVerified: request.headers.get(HANDSHAKE_HEADERS.platformVerified) === "1",
      tenantId: request.headers.get(HANDSHAKE_HEADERS.tenantId) || null,
    };
    if (!handshake.platformVerified && handshake.tenantId === null) {
      return new Response("Handshake not verified", { status: 403 });
    }
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    server.accept();
    // The newcomer replaces the call's stream only once its start passed every check (#accept):
    // until then the live stream goes on, whatever the newcomer sends.
    new CallRelay({
      env: this.env,
      store: this.#store,
      twilio: server,
      callSid,
      handshake,
      hooks: {
        accept: (relay, tenantId, generation) => this.#accept(relay, tenantId, generation),
        armAlarm: () => this.#armAlarm(),
        rolloverMs: this.#rolloverMs(),
        hangupGraceMs: HANGUP_GRACE_MS,
      },
    });
    return new Response(null, { status: 101, webSocket: client });
  }

  #accept(relay: CallRelay, tenantId: string, generation: number): boolean {
    if (!openGeneration(this.#store, tenantId, generation)) return false;
    if (this.#relay !== relay) this.#relay?.shutdown();
    this.#relay = relay;
    return true;
  }

  /** The tenant whose own Twilio auth token may sign this call's handshake (null: unknown call). */
  tenantOfCall(): string | null {
    return callTenant(this.#store);
  }

  /** The voice webhook: the call is claimed for `tenantId`, and its first stream generation issued. */
  answer(tenantId: string): AnswerResult {
    return answerCall(this.#store, tenantId);
  }

  /** One alarm serves every deadline: the earliest one pending. */
  #armAlarm(): void {
    const meta = this.#store.meta();
    if (!meta || meta.finalised) {
      this.#retention.arm();
      return;
    }
    const now = Date.now();
    const deadlines = [meta.rolloverAt, meta.hangupAt];
    if (meta.detachedAt !== null) deadlines.push(meta.detachedAt + DETACHED_GRACE_MS);
    if (meta.phase === "active") deadlines.push(now + WATCHDOG_MS);
    const next = Math.min(...deadlines.filter((d): d is number => d !== null));
    if (Number.isFinite(next)) void this.ctx.storage.setAlarm(Math.max(next, now + 10));
  }

  override async alarm(): Promise<void> {
    const meta = this.#store.meta();
    if (!meta || meta.finalised) {
      await this.#retention.purgeIfDue();
      return;
    }
    const now = Date.now();
    const relay = this.#relay?.live ? this.#relay : null;
    if (relay) {
      if (meta.hangupAt !== null && now >= meta.hangupAt) await relay.hangUp();
      else if (meta.rolloverAt !== null && now >= meta.rolloverAt) {
        const rolled = await relay.rollover();
        if (!rolled) {
          this.#store.updateMeta((m) => {
            m.rolloverAt = Date.now() + 2_000;
          });
        }
      }
    } else if (meta.phase === "active") {
      // No stream in this instance (it was lost, or the object restarted after a deploy).
      if (meta.detachedAt === null) {
        this.#store.updateMeta((m) => {
          m.detachedAt = now;
        });
      } else if (now >= meta.detachedAt + DETACHED_GRACE_MS) {
        await this.#finalise("stream_lost");
      }
    }
    this.#armAlarm();
  }

  async #finalise(
    reason: EndReason,
    twilio: { finalStatus?: string; durationSeconds?: number } = {},
  ): Promise<CallEndedResult> {
    const meta = this.#store.meta();
    if (!meta) return "no_session";
    if (meta.finalised) return "already_finalised";
    const tenant = await tenantFromMeta(this.env, meta);
    if (!tenant) {
      log("error", "call.finalise_no_tenant", { callSid: meta.callSid, tenantId: meta.tenantId });
      return "no_tenant";
    }
    const result = await finaliseFromStore(this.env, this.#store, tenant, reason, twilio);
    if (result) this.#retention.schedule();
    return result?.written ? "finalised" : "already_finalised";
  }

  /** A fresh stream for the call; only its token can open the next stream. */
  #resume(tenantId: string): Continuation {
    return { kind: "resume", generation: issueGeneration(this.#store, tenantId) };
  }

  /** What the line does now that the stream has ended while the call is up. */
  async continuation(tenantId: string): Promise<Continuation> {
    await this.#relay?.settleTools();
    if (checkTenant(this.#store, tenantId) === "wrong_tenant") return { kind: "refused" };
    // Twilio follows the <Redirect> only once the stream is closed; one still live here is a
    // replay, or a close not seen yet: no second token while the first stream is up.
    const live = this.#relay?.live === true;
    const meta = this.#store.meta();
    if (!meta) {
      // Over and cleared by retention: nothing may reopen it.
      if (this.#store.claim()?.closed) return { kind: "hangup" };
      // The stream never started (or the object lost it): a call unknown here is claimed now.
      return live ? { kind: "wait" } : this.#resume(tenantId);
    }
    switch (meta.phase) {
      case "transferring":
        return meta.transferTo ? { kind: "dial", to: meta.transferTo } : { kind: "message" };
      case "message":
        return { kind: "message" };
      case "ended":
        return { kind: "hangup" };
      case "active": {
        if (meta.finalised) return { kind: "hangup" };
        if (live) return { kind: "wait" };
        if (meta.resumes >= MAX_RESUMES) {
          this.#store.updateMeta((m) => {
            m.phase = "message";
          });
          return { kind: "message" };
        }
        this.#store.updateMeta((m) => {
          m.resumes += 1;
        });
        return this.#resume(tenantId);
      }
    }
  }

  /** The caller left a recording after the agent could not go on (or nobody answered a transfer). */
  messageRecorded(tenantId: string): TenantCheck {
    const check = checkTenant(this.#store, tenantId);
    if (check === "wrong_tenant") return check;
    this.#store.updateMeta((m) => {
      m.messageTaken = true;
      if (m.phase === "active") m.phase = "message";
    });
    return check;
  }

  /** Forgetting a caller: clears this call now if it is theirs, in that tenant, and over. */
  async forgetCaller(tenantId: string, phone: string): Promise<ForgetInCallObject> {
    return this.#retention.forget(tenantId, phone);
  }

  /** Twilio says the call is over: finalise once, with Twilio's status and duration. */
  async callEnded(
    tenantId: string,
    twilio: { status: string; durationSeconds?: number },
  ): Promise<CallEndedResult> {
    if (checkTenant(this.#store, tenantId) === "wrong_tenant") return "wrong_tenant";
    await this.#relay?.settleTools();
    this.#relay?.shutdown();
    const meta = this.#store.meta();
    if (!meta) return "no_session";
    const reason: EndReason =
      meta.phase === "transferring"
        ? "transferred"
        : meta.phase === "message"
          ? meta.messageTaken
            ? "message_recorded"
            : "model_unavailable"
          : meta.phase === "ended"
            ? "agent_ended"
            : "caller_hangup";
    return this.#finalise(reason, {
      finalStatus: twilio.status,
      ...(twilio.durationSeconds === undefined ? {} : { durationSeconds: twilio.durationSeconds }),
    });
  }
}
