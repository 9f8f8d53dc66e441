/**
 * Every error answer is `{ error: { code, message } }`. Known failures are AppErrors with a
 * status; anything else is logged (by statement and cause, never bound values) and answered
 * with a generic 500.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { errorText, log, stackFrames } from "../observability/log";
import type { AppEnv } from "./app-env";

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string; issues?: ErrorIssue[] };
}

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, issues?: ErrorIssue[]) =>
  new AppError(400, "invalid_request", message, issues);
export const unauthorized = (message = "Authentication required") =>
  new AppError(401, "unauthorized", message);
export const forbidden = (message = "You may not act on this resource") =>
  new AppError(403, "forbidden", message);
export const notFound = (message = "Not found") => new AppError(404, "not_found", message);
export const conflict = (message: string) => new AppError(409, "conflict", message);

export function errorBody(code: string, message: string, issues?: ErrorIssue[]): ErrorBody {
  return { error: issues ? { code, message, issues } : { code, message } };
}

export function zodIssues(error: ZodError): ErrorIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join(".") || "(root)",
    message: issue.message,
  }));
}

/** The first few issues as one line; `issues` in the answer always holds all of them. */
export function describeIssues(issues: ErrorIssue[]): string {
  const shown = issues
    .slice(0, 5)
    .map((i) => `${i.path}: ${i.message}`)
    .join("; ");
  return issues.length > 5 ? `${shown}; and ${issues.length - 5} more` : shown;
}

export function handleError(err: Error, c: Context<AppEnv>): Response {
  const requestId = c.get("requestId");
  if (err instanceof AppError) {
    return c.json(errorBody(err.code, err.message, err.issues), err.status);
  }
  if (err instanceof ZodError) {
    const issues = zodIssues(err);
    return c.json(errorBody("invalid_request", describeIssues(issues), issues), 400);
  }
  if (err instanceof URIError) {
    return c.json(errorBody("invalid_request", "The URL has malformed percent-encoding"), 400);
  }
  if (err instanceof HTTPException) {
    const status: ContentfulStatusCode = err.status;
    const code =
      status === 413 ? "payload_too_large" : status === 401 ? "unauthorized" : "http_error";
    return c.json(errorBody(code, err.message || "Request failed"), status);
  }
  log("error", "request.unhandled_error", {
    requestId,
    path: c.req.path,
    method: c.req.method,
    // Statement and cause only: a failed query's message carries the values bound to it.
    message: errorText(err),
    stack: stackFrames(err),
  });
  return c.json(
    errorBody("internal", "Something went wrong on our side. It has been logged."),
    500,
  );
}
