/**
 * A small Twilio REST client over `fetch`: the calls the platform makes (redirect or end a
 * live call; send an SMS; delete a voicemail recording when its caller is forgotten). Base URL from `TWILIO_API_BASE_URL`, so tests and the offline demo
 * talk to tools/sim/twilio-rest.ts. Every failure is a value naming what went wrong: Twilio's
 * own code and message when it answered, else a timeout, a network error or a response we could
 * not read. Credentials never appear in a result or a log.
 */
import { z } from "zod";
import type { Env } from "../env";
import { twilioCredentialsFor } from "../secrets/tenant-secrets";
import type { CallUpdate, SendSms } from "./rest.schema";
import {
  CallSid,
  CallUpdate as CallUpdateSchema,
  RecordingSid,
  SendSms as SendSmsSchema,
  TwilioCallResource,
  TwilioErrorBody,
  TwilioMessageResource,
} from "./rest.schema";

export const DEFAULT_TWILIO_API_BASE_URL = "https://api.twilio.com";
export const DEFAULT_TWILIO_TIMEOUT_MS = 10_000;

export interface TwilioRestError {
  /** `twilio`: Twilio answered with an error; `invalid_request`: we refused to send it. */
  kind: "twilio" | "timeout" | "network" | "bad_response" | "invalid_request";
  /** HTTP status when Twilio answered. */
  status: number | null;
  /** Twilio's error code (e.g. 21220 "call not in progress", 20003 "authenticate"). */
  code: number | null;
  message: string;
}

export type TwilioResult<T> = { ok: true; value: T } | { ok: false; error: TwilioRestError };

export interface TwilioRestConfig {
  baseUrl?: string;
  accountSid: string;
  authToken: string;
  timeoutMs?: number;
  /** Injected in tests; the global `fetch` otherwise. */
  fetch?: typeof fetch;
}

export interface TwilioRestClient {
  readonly accountSid: string;
  updateCall(callSid: string, update: CallUpdate): Promise<TwilioResult<TwilioCallResource>>;
  sendSms(input: SendSms): Promise<TwilioResult<TwilioMessageResource>>;
  /** Deletes a recording (a voicemail); one that is already gone (404) counts as deleted. */
  deleteRecording(recordingSid: string): Promise<TwilioResult<{ deleted: boolean }>>;
}

function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

function invalid(message: string): { ok: false; error: TwilioRestError } {
  return { ok: false, error: { kind: "invalid_request", status: null, code: null, message } };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const path = issue.path.map(String).join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function createTwilioRestClient(config: TwilioRestConfig): TwilioRestClient {
  const baseUrl = (config.baseUrl || DEFAULT_TWILIO_API_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = config.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  const doFetch = config.fetch ?? ((input, init) => fetch(input, init));
  const authorization = basicAuth(config.accountSid, config.authToken);
  const accountPath = `/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}`;

  async function post<T>(
    path: string,
    form: URLSearchParams | null,
    schema: z.ZodType<T>,
    method: "POST" | "DELETE" = "POST",
  ): Promise<TwilioResult<T>> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    let res: Response;
    let text: string;
    try {
      res = await doFetch(`${baseUrl}${accountPath}${path}`, {
        method,
        headers: form
          ? {
              authorization,
              "content-type": "application/x-www-form-urlencoded",
              accept: "application/json",
            }
          : { authorization, accept: "application/json" },
        ...(form ? { body: form.toString() } : {}),
        signal: controller.signal,
      });
      text = await res.text();
    } catch (err) {
      const message = timedOut
        ? `Twilio did not answer within ${timeoutMs} ms`
        : `could not reach Twilio: ${err instanceof Error ? err.message : String(err)}`;
      return {
        ok: false,
        error: { kind: timedOut ? "timeout" : "network", status: null, code: null, message },
      };
    } finally {
      clearTimeout(timer);
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    if (!res.ok) {
      const body = TwilioErrorBody.safeParse(json);
      return {
        ok: false,
        error: {
          kind: "twilio",
          status: res.status,
          code: body.success ? (body.data.code ?? null) : null,
          message: body.success ? body.data.message : `Twilio answered HTTP ${res.status}`,
        },
      };
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      return {
        ok: false,
        error: {
          kind: "bad_response",
          status: res.status,
          code: null,
          message: `unexpected Twilio response: ${firstIssue(parsed.error)}`,
        },
      };
    }
    return { ok: true, value: parsed.data };
  }

  return {
    accountSid: config.accountSid,

    async updateCall(callSid, update) {
      const sid = CallSid.safeParse(callSid);
      if (!sid.success) return invalid(`callSid: ${firstIssue(sid.error)}`);
      const valid = CallUpdateSchema.safeParse(update);
      if (!valid.success) return invalid(firstIssue(valid.error));
      const form = new URLSearchParams();
      if (valid.data.url !== undefined) {
        form.set("Url", valid.data.url);
        form.set("Method", valid.data.method ?? "POST");
      }
      if (valid.data.twiml !== undefined) form.set("Twiml", valid.data.twiml);
      if (valid.data.status !== undefined) form.set("Status", valid.data.status);
      return post(`/Calls/${sid.data}.json`, form, TwilioCallResource);
    },

    async sendSms(input) {
      const valid = SendSmsSchema.safeParse(input);
      if (!valid.success) return invalid(firstIssue(valid.error));
      const form = new URLSearchParams({
        To: valid.data.to,
        From: valid.data.from,
        Body: valid.data.body,
      });
      if (valid.data.statusCallback !== undefined)
        form.set("StatusCallback", valid.data.statusCallback);
      return post("/Messages.json", form, TwilioMessageResource);
    },

    async deleteRecording(recordingSid) {
      const sid = RecordingSid.safeParse(recordingSid);
      if (!sid.success) return invalid(`recordingSid: ${firstIssue(sid.error)}`);
      // Twilio answers 204 with no body; the schema accepts that (JSON.parse("") gives null).
      const result = await post(`/Recordings/${sid.data}.json`, null, z.null(), "DELETE");
      if (result.ok) return { ok: true, value: { deleted: true } };
      if (result.error.kind === "twilio" && result.error.status === 404)
        return { ok: true, value: { deleted: false } };
      return result;
    },
  };
}

/** The client for one tenant: its own Twilio account where it set one, else the platform's. */
export async function twilioRestFor(
  env: Env,
  tenantId: string,
  options: { timeoutMs?: number; fetch?: typeof fetch } = {},
): Promise<TwilioRestClient> {
  const credentials = await twilioCredentialsFor(env, tenantId);
  return createTwilioRestClient({
    baseUrl: env.TWILIO_API_BASE_URL,
    accountSid: credentials.accountSid,
    authToken: credentials.authToken,
    ...options,
  });
}
