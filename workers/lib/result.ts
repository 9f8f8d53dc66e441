/**
 * What domain code returns instead of throwing HTTP errors: a value, or a failure with a code
 * from one list. The HTTP layer maps codes to statuses (workers/http/error-status.ts); domain
 * code never picks a status, never builds a Response and never imports Hono.
 */

/** Every way a domain operation can refuse. Add a code here and its status in error-status.ts. */
export type DomainErrorCode =
  | "invalid_request"
  | "invalid_profile"
  | "wrong_password"
  | "invalid_credentials"
  | "unauthorized"
  | "forbidden"
  | "account_disabled"
  | "tenant_suspended"
  | "support_read_only"
  | "not_found"
  | "invitation_not_found"
  | "unknown_number"
  | "no_phone_number"
  | "conflict"
  | "already_member"
  | "invitation_used"
  | "last_owner"
  | "invitation_expired"
  | "tenant_offboarded"
  | "too_many_attempts"
  | "pool_exhausted"
  | "tenant_unavailable"
  | "twilio_failed"
  | "llm_failed"
  | "post_call_failed";

export interface FailureIssue {
  path: string;
  message: string;
}

export interface Ok<T> {
  ok: true;
  value: T;
}

export interface Failure<C extends DomainErrorCode = DomainErrorCode> {
  ok: false;
  code: C;
  message: string;
  issues?: FailureIssue[];
}

export type Result<T, C extends DomainErrorCode = DomainErrorCode> = Ok<T> | Failure<C>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function fail<C extends DomainErrorCode>(
  code: C,
  message: string,
  issues?: FailureIssue[],
): Failure<C> {
  return issues ? { ok: false, code, message, issues } : { ok: false, code, message };
}
