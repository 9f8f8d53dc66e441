/**
 * TwiML answers. Every URL derives from PUBLIC_BASE_URL (https → wss, http → ws), so the same
 * code serves production, a tunnel and local dev. Everything interpolated is XML-escaped.
 */

const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch] ?? ch);
}

function document(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;
}

function base(publicBaseUrl: string): string {
  return publicBaseUrl.replace(/\/+$/, "");
}

export function publicHttpUrl(publicBaseUrl: string, path: string): string {
  return base(publicBaseUrl) + path;
}

export function publicWsUrl(publicBaseUrl: string, path: string): string {
  return publicHttpUrl(publicBaseUrl, path).replace(/^http/, "ws");
}

export function mediaStreamPath(callSid: string): string {
  return `/twilio/media/${encodeURIComponent(callSid)}`;
}

export const CONTINUE_PATH = "/twilio/continue";
export const STATUS_PATH = "/twilio/status";
export const RECORDING_PATH = "/twilio/recording";

/**
 * `<Connect><Stream>` with the token and identifiers as `<Parameter>`s, then a `<Redirect>`:
 * Twilio runs it only when the stream ends while the call is still up (we closed it, a deploy,
 * a crash), and the continuation endpoint decides from the call's state what comes next.
 */
export function connectStreamTwiml(options: {
  publicBaseUrl: string;
  callSid: string;
  token: string;
  parameters?: Record<string, string>;
}): string {
  const url = publicWsUrl(options.publicBaseUrl, mediaStreamPath(options.callSid));
  const params = { token: options.token, callSid: options.callSid, ...options.parameters };
  const paramXml = Object.entries(params)
    .map(([name, value]) => `<Parameter name="${xmlEscape(name)}" value="${xmlEscape(value)}"/>`)
    .join("");
  const continueUrl = publicHttpUrl(options.publicBaseUrl, CONTINUE_PATH);
  return document(
    `<Connect><Stream url="${xmlEscape(url)}">${paramXml}</Stream></Connect>` +
      `<Redirect method="POST">${xmlEscape(continueUrl)}</Redirect>`,
  );
}

/**
 * The call object still has a live stream for this call (its close not seen yet): the caller
 * hears a second of silence, then Twilio asks the continuation again. No token is issued.
 */
export function pauseThenContinueTwiml(publicBaseUrl: string): string {
  const continueUrl = publicHttpUrl(publicBaseUrl, CONTINUE_PATH);
  return document(
    `<Pause length="1"/><Redirect method="POST">${xmlEscape(continueUrl)}</Redirect>`,
  );
}

/** A short spoken answer, then the line closes. */
export function sayAndHangupTwiml(message: string): string {
  return document(`<Say>${xmlEscape(message)}</Say><Hangup/>`);
}

export function hangupTwiml(): string {
  return document("<Hangup/>");
}

/** Hands the caller to a person; if nobody answers, the caller may leave a message. */
export function dialTwiml(options: { publicBaseUrl: string; to: string; say?: string }): string {
  const say = options.say ? `<Say>${xmlEscape(options.say)}</Say>` : "";
  const after = publicHttpUrl(options.publicBaseUrl, `${CONTINUE_PATH}?step=after_dial`);
  return document(
    `${say}<Dial action="${xmlEscape(after)}" method="POST">${xmlEscape(options.to)}</Dial>`,
  );
}

/** Apology and voicemail: the caller is never left in silence when the agent cannot go on. */
export function recordMessageTwiml(options: { publicBaseUrl: string; say: string }): string {
  const action = publicHttpUrl(options.publicBaseUrl, RECORDING_PATH);
  return document(
    `<Say>${xmlEscape(options.say)}</Say>` +
      `<Record action="${xmlEscape(action)}" method="POST" maxLength="120" playBeep="true" timeout="5"/>` +
      `<Say>We did not hear a message. Goodbye.</Say><Hangup/>`,
  );
}
