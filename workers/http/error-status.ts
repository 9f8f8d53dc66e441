/**
 * The one table from domain error codes to HTTP statuses. Domain code returns `Result`s
 * (workers/lib/result.ts); routes unwrap them here, so a status is chosen in one place.
 */
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { DomainErrorCode, Failure, Result } from "../lib/result";
import { AppError } from "./errors";

export const ERROR_STATUS = {
  invalid_request: 400,
  invalid_profile: 422,
  wrong_password: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  forbidden: 403,
  account_disabled: 403,
  tenant_suspended: 403,
  support_read_only: 403,
  not_found: 404,
  invitation_not_found: 404,
  unknown_number: 422,
  no_phone_number: 422,
  conflict: 409,
  already_member: 409,
  invitation_used: 410,
  last_owner: 409,
  invitation_expired: 410,
  tenant_offboarded: 410,
  too_many_attempts: 429,
  pool_exhausted: 503,
  tenant_unavailable: 503,
  twilio_failed: 502,
  llm_failed: 502,
  post_call_failed: 502,
} as const satisfies Record<DomainErrorCode, ContentfulStatusCode>;

/** The failure as the error the app's handler answers with. */
export function failureError(failure: Failure): AppError {
  return new AppError(ERROR_STATUS[failure.code], failure.code, failure.message, failure.issues);
}

/** The value of a successful result; a failure is thrown as its HTTP error. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw failureError(result);
  return result.value;
}
