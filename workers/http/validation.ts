/** Reading untrusted input: size-capped, parsed, and checked against a zod schema. */
import type { Context } from "hono";
import type { z } from "zod";
import { AppError, badRequest, describeIssues, zodIssues } from "./errors";

/** Bodies larger than this are refused before parsing. Admin and API payloads are small. */
export const MAX_JSON_BYTES = 64 * 1024;

async function readCappedText(c: Context, maxBytes: number): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes)
    throw new AppError(413, "payload_too_large", `Body exceeds ${maxBytes} bytes`);
  // Bytes, then UTF-8: `.text()` on a form post makes workerd warn that the body "does not
  // appear to be text" on every Twilio webhook, and the cap is on bytes anyway.
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength > maxBytes) {
    throw new AppError(413, "payload_too_large", `Body exceeds ${maxBytes} bytes`);
  }
  return new TextDecoder().decode(bytes);
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = "request",
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw badRequest(`Invalid ${what}: ${describeIssues(issues)}`, issues);
  }
  return result.data;
}

/**
 * Exactly `application/json` (parameters such as charset allowed). A cross-site HTML form can
 * post `text/plain` without a CORS preflight, and `text/plain; application/json` is still
 * text/plain: matching a substring would let another site send JSON in a user's name.
 */
export function isJsonMediaType(header: string | undefined): boolean {
  const essence = (header ?? "").split(";", 1)[0] ?? "";
  return essence.trim().toLowerCase() === "application/json";
}

export async function jsonBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_JSON_BYTES,
): Promise<z.infer<S>> {
  if (!isJsonMediaType(c.req.header("content-type"))) {
    throw new AppError(415, "unsupported_media_type", "Send the body as application/json");
  }
  const text = await readCappedText(c, maxBytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest("Body is not valid JSON");
  }
  return parseWith(schema, value, "body");
}

export async function formBody(
  c: Context,
  maxBytes = MAX_JSON_BYTES,
): Promise<Record<string, string>> {
  const text = await readCappedText(c, maxBytes);
  const params = new URLSearchParams(text);
  const out: Record<string, string> = {};
  for (const [key, value] of params) out[key] = value;
  return out;
}

export function queryWith<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), "query");
}
