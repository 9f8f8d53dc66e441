/**
 * A local stand-in for the Twilio REST API (2010-04-01): the endpoints the platform calls.
 *
 * - `POST /2010-04-01/Accounts/{AccountSid}/Calls/{CallSid}.json` — redirect (`Url`/`Method` or
 *   `Twiml`) or end (`Status=completed|canceled`) a live call;
 * - `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` — send an SMS;
 * - `DELETE /2010-04-01/Accounts/{AccountSid}/Recordings/{RecordingSid}.json` — delete a
 *   recording: 204 with no body, then Twilio's 404 (code 20404) for one already deleted. Any
 *   well-formed RecordingSid counts as an existing recording of the account until deleted
 *   (recordings are made by the call, which this simulator does not see).
 *
 * Strict like Twilio: HTTP Basic auth must name a known account with its auth token and match
 * the account in the path (401, code 20003 otherwise); bodies are form-encoded; a redirect
 * needs an absolute URL (21205) or TwiML; a call that was completed cannot be redirected
 * (21220). Every request is recorded (with the account it authenticated as, never the token),
 * and the simulator can be told to fail the next requests or answer slowly.
 *
 * Control endpoints (simulator only, no auth), for tests running in another process such as the
 * Workers vitest pool: `GET /__sim/requests[?callSid=…]` (recorded requests, calls, messages,
 * deleted recordings),
 * `POST /__sim/fail` (JSON `FailureSpec`), `POST /__sim/delay` (JSON `{ ms, times? }`),
 * `POST /__sim/end-call` (JSON `{ callSid }`).
 *
 * Run standalone: `npx tsx tools/sim/twilio-rest.ts --port 8792 --account ACxxx --token yyy`.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import { pathToFileURL } from "node:url";

export interface TwilioRestRequest {
  at: number;
  method: string;
  path: string;
  /** The account named by Basic auth; null when auth was missing or malformed. */
  authAccountSid: string | null;
  authOk: boolean;
  kind: "call_update" | "message" | "recording_delete" | "unknown";
  callSid: string | null;
  form: Record<string, string>;
  status: number;
}

export interface SimCall {
  sid: string;
  accountSid: string;
  status: "in-progress" | "completed" | "canceled";
  /** Every redirect asked for, in order. */
  redirects: { url: string | null; method: string; twiml: string | null }[];
}

export interface SimMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback: string | null;
}

export interface FailureSpec {
  status: number;
  code: number;
  message: string;
  /** How many of the next requests fail (default 1). */
  times?: number;
}

export interface TwilioRestSimulatorOptions {
  port?: number;
  host?: string;
  /** Account SID → auth token of every account the simulator accepts. */
  accounts: Record<string, string>;
  /** Called after each accepted call update, e.g. so a caller simulator can follow a redirect. */
  onCallUpdate?: (call: SimCall, request: TwilioRestRequest) => void;
}

export interface TwilioRestSimulator {
  /** The value for TWILIO_API_BASE_URL. */
  url: string;
  port: number;
  requests: TwilioRestRequest[];
  calls: Map<string, SimCall>;
  messages: SimMessage[];
  /** The next request(s) get this Twilio error. */
  failNext(spec: FailureSpec): void;
  /** The next request(s) are answered only after `ms` (to exercise client timeouts). */
  delayNext(ms: number, times?: number): void;
  /** Marks a call as hung up: later redirects get Twilio's 21220. */
  endCall(callSid: string): void;
  reset(): void;
  close(): Promise<void>;
}

const ACCOUNT_PATH =
  /^\/2010-04-01\/Accounts\/(AC[0-9a-zA-Z]+)\/(Calls\/(CA[0-9a-fA-F]{32})|Messages|Recordings\/(RE[0-9a-fA-F]{32}))\.json$/;

function sid(prefix: string): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

function parseBasicAuth(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function twilioError(res: http.ServerResponse, status: number, code: number, message: string) {
  send(res, status, {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  });
}

function isAbsoluteHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

export async function startTwilioRestSimulator(
  options: TwilioRestSimulatorOptions,
): Promise<TwilioRestSimulator> {
  const host = options.host ?? "127.0.0.1";
  const requests: TwilioRestRequest[] = [];
  const calls = new Map<string, SimCall>();
  const messages: SimMessage[] = [];
  /** RecordingSid → the account it was deleted from. */
  const deletedRecordings = new Map<string, string>();
  const failures: FailureSpec[] = [];
  const delays: number[] = [];

  function callFor(callSid: string, accountSid: string): SimCall {
    let call = calls.get(callSid);
    if (!call) {
      // Any well-formed CallSid is taken as a live call of this account: calls are placed by
      // the caller simulator, which the REST simulator does not see.
      call = { sid: callSid, accountSid, status: "in-progress", redirects: [] };
      calls.set(callSid, call);
    }
    return call;
  }

  function control(
    path: string,
    search: URLSearchParams,
    text: string,
    res: http.ServerResponse,
  ): void {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = text ? JSON.parse(text) : {};
      if (parsed && typeof parsed === "object") body = parsed as Record<string, unknown>;
    } catch {
      send(res, 400, { error: "control body must be JSON" });
      return;
    }
    switch (path) {
      case "/__sim/requests": {
        const callSid = search.get("callSid");
        send(res, 200, {
          requests: callSid ? requests.filter((r) => r.callSid === callSid) : requests,
          calls: [...calls.values()].filter((c) => !callSid || c.sid === callSid),
          messages,
          deletedRecordings: [...deletedRecordings.keys()],
        });
        return;
      }
      case "/__sim/fail":
        failures.push({
          status: Number(body["status"] ?? 500),
          code: Number(body["code"] ?? 20500),
          message: typeof body["message"] === "string" ? body["message"] : "Internal Server Error",
          times: Number(body["times"] ?? 1),
        });
        send(res, 200, { ok: true });
        return;
      case "/__sim/delay":
        for (let i = 0; i < Number(body["times"] ?? 1); i++) delays.push(Number(body["ms"] ?? 0));
        send(res, 200, { ok: true });
        return;
      case "/__sim/end-call":
        if (typeof body["callSid"] === "string") endCall(body["callSid"]);
        send(res, 200, { ok: true });
        return;
      default:
        send(res, 404, { error: `unknown control endpoint ${path}` });
    }
  }

  function endCall(callSid: string): void {
    const call = calls.get(callSid);
    if (call) call.status = "completed";
    else calls.set(callSid, { sid: callSid, accountSid: "", status: "completed", redirects: [] });
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pathname: path, searchParams } = new URL(req.url ?? "/", "http://sim");
    const text = await readBody(req);
    if (path.startsWith("/__sim/")) {
      control(path, searchParams, text, res);
      return;
    }
    const form = Object.fromEntries(new URLSearchParams(text));
    const match = ACCOUNT_PATH.exec(path);
    const auth = parseBasicAuth(req.headers.authorization);
    const record: TwilioRestRequest = {
      at: Date.now(),
      method: req.method ?? "GET",
      path,
      authAccountSid: auth?.user ?? null,
      authOk: false,
      kind: match
        ? match[3]
          ? "call_update"
          : match[4]
            ? "recording_delete"
            : "message"
        : "unknown",
      callSid: match?.[3] ?? null,
      form,
      status: 0,
    };
    requests.push(record);
    const answer = (status: number, body: unknown) => {
      record.status = status;
      send(res, status, body);
    };
    const error = (status: number, code: number, message: string) => {
      record.status = status;
      twilioError(res, status, code, message);
    };

    const delay = delays.shift();
    if (delay !== undefined) await new Promise((r) => setTimeout(r, delay));

    const expected = auth ? options.accounts[auth.user] : undefined;
    if (!auth || expected === undefined || expected !== auth.password) {
      error(401, 20003, "Authenticate");
      return;
    }
    if (!match) {
      error(404, 20404, `The requested resource ${path} was not found`);
      return;
    }
    const [, accountSid] = match;
    if (accountSid !== auth.user) {
      error(401, 20003, "Authenticate");
      return;
    }
    record.authOk = true;
    if (req.method !== (record.kind === "recording_delete" ? "DELETE" : "POST")) {
      error(405, 20004, "Method not allowed");
      return;
    }
    const failure = failures[0];
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) failures.shift();
      error(failure.status, failure.code, failure.message);
      return;
    }
    const now = new Date();

    const recordingSid = match[4];
    if (record.kind === "recording_delete" && recordingSid) {
      if (deletedRecordings.has(recordingSid)) {
        error(404, 20404, `The requested resource ${path} was not found`);
        return;
      }
      deletedRecordings.set(recordingSid, accountSid);
      record.status = 204;
      res.writeHead(204);
      res.end();
      return;
    }

    if (record.kind === "call_update" && record.callSid) {
      const call = callFor(record.callSid, accountSid);
      const url = form["Url"];
      const twiml = form["Twiml"];
      const status = form["Status"];
      if (url === undefined && twiml === undefined && status === undefined) {
        error(400, 21218, "Url, Twiml or Status is required");
        return;
      }
      if (url !== undefined && !isAbsoluteHttpUrl(url)) {
        error(400, 21205, `Url is not a valid URL: ${url}`);
        return;
      }
      if (status !== undefined && status !== "completed" && status !== "canceled") {
        error(400, 21218, `Invalid Status: ${status}`);
        return;
      }
      if (call.status !== "in-progress") {
        error(400, 21220, "Call is not in-progress. Cannot redirect.");
        return;
      }
      if (status === "completed" || status === "canceled") call.status = status;
      else
        call.redirects.push({
          url: url ?? null,
          method: form["Method"] ?? "POST",
          twiml: twiml ?? null,
        });
      answer(200, {
        sid: call.sid,
        account_sid: accountSid,
        status: call.status,
        to: null,
        from: null,
        api_version: "2010-04-01",
        date_updated: rfc2822(now),
        uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
      });
      options.onCallUpdate?.(call, record);
      return;
    }

    const to = form["To"];
    const from = form["From"] ?? form["MessagingServiceSid"];
    const body = form["Body"];
    if (!to) {
      error(400, 21604, "A 'To' phone number is required.");
      return;
    }
    if (!from) {
      error(400, 21603, "A 'From' phone number is required.");
      return;
    }
    if (!body) {
      error(400, 21602, "Message body is required.");
      return;
    }
    if (!/^\+[1-9]\d{7,14}$/.test(to)) {
      error(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
      return;
    }
    const message: SimMessage = {
      sid: sid("SM"),
      accountSid,
      to,
      from,
      body,
      statusCallback: form["StatusCallback"] ?? null,
    };
    messages.push(message);
    answer(201, {
      sid: message.sid,
      account_sid: accountSid,
      to,
      from,
      body,
      status: "queued",
      num_segments: String(Math.max(1, Math.ceil(body.length / 160))),
      direction: "outbound-api",
      api_version: "2010-04-01",
      error_code: null,
      error_message: null,
      date_created: rfc2822(now),
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`,
    });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) twilioError(res, 500, 20500, `Simulator error: ${String(err)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    calls,
    messages,
    failNext: (spec) => failures.push({ ...spec }),
    delayNext: (ms, times = 1) => {
      for (let i = 0; i < times; i++) delays.push(ms);
    },
    endCall,
    reset: () => {
      requests.length = 0;
      messages.length = 0;
      deletedRecordings.clear();
      failures.length = 0;
      delays.length = 0;
      calls.clear();
    },
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const account = argValue(args, "--account") ?? process.env.TWILIO_ACCOUNT_SID ?? "";
  const token = argValue(args, "--token") ?? process.env.TWILIO_AUTH_TOKEN ?? "";
  if (!account || !token) {
    console.error("usage: twilio-rest.ts --port 8792 --account AC… --token …");
    process.exit(2);
  }
  const sim = await startTwilioRestSimulator({
    port: Number(argValue(args, "--port") ?? 8792),
    accounts: { [account]: token },
    onCallUpdate: (call, req) =>
      console.log(JSON.stringify({ event: "call_update", callSid: call.sid, form: req.form })),
  });
  console.log(JSON.stringify({ event: "listening", url: sim.url }));
}
