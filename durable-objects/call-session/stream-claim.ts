/**
 * One call, one tenant, one stream at a time: the rules the call object applies to every request
 * that names its CallSid (docs/CALLS.md, "Whose call it is" and "One stream at a time").
 *
 * The object is named by CallSid alone, and a CallSid is only a name: a tenant with its own
 * Twilio account can sign a webhook for its own number that names another tenant's CallSid. So
 * the first voice webhook that reaches the object claims the call for the tenant it resolved
 * (Twilio sends it before anyone else can know the CallSid), and every later request carries the
 * tenant its webhook resolved and is refused when that is not the claim's.
 *
 * Stream tokens carry a generation. The object issues one per answer (voice webhook, resume) and
 * accepts a stream only with the latest generation issued, and only once; a generation is issued
 * only while no stream is live. A replayed webhook therefore cannot mint a second usable token.
 */
import type { CallStore } from "./storage";

/** The tenant a call belongs to: its claim, or (a call answered before claims) its meta. */
export function callTenant(store: CallStore): string | null {
  return store.claim()?.tenantId ?? store.meta()?.tenantId ?? null;
}

/** "unknown": the object has never heard of the call (no voice webhook, no stream). */
export type TenantCheck = "ok" | "unknown" | "wrong_tenant";

export function checkTenant(store: CallStore, tenantId: string): TenantCheck {
  const owner = callTenant(store);
  if (owner === null) return "unknown";
  return owner === tenantId ? "ok" : "wrong_tenant";
}

/** A new stream generation; the one before it can no longer open a stream. */
export function issueGeneration(store: CallStore, tenantId: string): number {
  const claim = store.claim() ?? { tenantId, issued: 0, opened: 0 };
  claim.issued += 1;
  store.saveClaim(claim);
  return claim.issued;
}

export type AnswerResult =
  { ok: true; generation: number } | { ok: false; reason: "wrong_tenant" | "already_answered" };

/**
 * The voice webhook: claims the call and issues its first generation. Twilio asks once per call;
 * a second ask after a stream has opened is a replay (a resume goes through the continuation).
 * A second ask before any stream opened (Twilio retrying a slow answer) supersedes the first.
 */
export function answerCall(store: CallStore, tenantId: string): AnswerResult {
  if (checkTenant(store, tenantId) === "wrong_tenant") return { ok: false, reason: "wrong_tenant" };
  const opened = store.claim()?.opened ?? 0;
  if (opened > 0 || store.meta() !== null) return { ok: false, reason: "already_answered" };
  return { ok: true, generation: issueGeneration(store, tenantId) };
}

/**
 * A stream's start passed its checks: accept it if its generation is the latest issued and has
 * not opened a stream yet. Synchronous, so of two starts racing with one token only one wins.
 */
export function openGeneration(store: CallStore, tenantId: string, generation: number): boolean {
  const claim = store.claim();
  if (!claim || claim.tenantId !== tenantId) return false;
  if (generation !== claim.issued || claim.opened >= generation) return false;
  claim.opened = generation;
  store.saveClaim(claim);
  return true;
}

/** Whether a token of `generation` could still open a stream (a cheap early refusal). */
export function isOpenable(store: CallStore, tenantId: string, generation: number): boolean {
  const claim = store.claim();
  return (
    claim !== null &&
    claim.tenantId === tenantId &&
    generation === claim.issued &&
    claim.opened < generation
  );
}
