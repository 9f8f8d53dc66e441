/**
 * Every event the Worker and the call object log, with the fields each carries. `log()` accepts
 * only these names and, for each, only its fields: a line an operator filters on in
 * `wrangler tail` keeps its shape wherever it is written, and tests assert on events by name.
 * Fields are identifiers and facts, never secrets, audio or transcripts (see log.ts).
 */

/** What one field of a JSON log line may hold. */
export type LogValue = string | number | boolean | null | undefined;

/** Lines written while serving an HTTP request: its id is the response's X-Request-Id. */
interface InRequest {
  requestId: string;
}

interface OfTenant {
  tenantId: string;
}

interface OfCall {
  tenantId: string;
  callSid: string;
}

/** A failure described by its message: `errorText(err)` or a raw message (log.ts scrubs it). */
interface Failure {
  message: string;
}

/** A queue message the post-call consumer handled. */
interface OfMessage {
  messageId: string;
}

/**
 * What every line of a live call's session carries (the relay's `fields()`): the tenant once
 * the stream started, the call, and the Twilio stream when one is attached.
 */
export interface CallStreamFields {
  tenantId?: string | undefined;
  callSid: string;
  streamSid?: string | null;
}

/** The call's own fields added to an event's (the session's hooks pass this around). */
export type WithCallFields = <T extends object = object>(extra?: T) => CallStreamFields & T;

type CallStream<T = object> = CallStreamFields & T;

export interface LogEvents {
  // HTTP: one line per request, and the 500s the error handler caught.
  "http.request": InRequest & { method: string; path: string; status: number; durationMs: number };
  "request.unhandled_error": InRequest & {
    method: string;
    path: string;
    message: string;
    stack?: string | undefined;
  };

  // Platform and access: tenant provisioning, sign-in, support staff reading a tenant.
  "tenant.created": InRequest & OfTenant & { binding: string };
  "support.view": InRequest & OfTenant & { path: string };
  "auth.throttled": InRequest & { retryAfter: number };
  "auth.login_failed": InRequest;
  "auth.login": InRequest & { userId: string };
  "auth.link_accepted": InRequest & { userId: string; kind: string };

  // Twilio webhooks for a call: who answered, what came next, status callbacks.
  "twilio.signature_rejected": InRequest & { path: string; callSid?: string };
  "call.tenant_unavailable": InRequest & {
    callSid: string;
    tenantId?: string | null | undefined;
    reason: string;
  };
  "call.wrong_tenant": InRequest & OfCall;
  "call.answered": InRequest & OfCall;
  "call.continuation": InRequest & OfCall & { next: string };
  "call.status": InRequest & OfCall & { callStatus: string; changed: boolean };
  /** A transfer to a number that may not be dialled: refused by the tool or the webhook. */
  "call.transfer_refused": Partial<InRequest> & OfCall & { reason: string };

  // The end of a call: its record written, post-call work queued, usage counted.
  "call.finalised": OfCall & {
    outcome: string;
    endReason: string;
    turns: number;
    durationSeconds: number;
  };
  "call.finalise_no_tenant": { callSid: string; tenantId: string };
  "call.post_call_enqueue_failed": OfCall & Failure;
  "call.usage_failed": OfCall & Failure;

  // The live call session (durable object): Twilio's stream and the model's socket.
  "call.stream_started": CallStream<{ resumed: boolean; streamStarts: number }>;
  "call.stream_refused": CallStream<{ reason: string }>;
  "call.stream_message_skipped": CallStream<{ reason: string }>;
  "call.stream_stopped": CallStream<{ phase: string }>;
  "call.stream_lost": CallStream<{ phase: string | null }>;
  "call.start_failed": CallStream<Failure>;
  "call.stop_failed": CallStream<Failure>;
  /** A Twilio or OpenAI message strayed from its documented shape (once per stream and field). */
  "call.protocol_drift": CallStream<{
    protocol: "twilio" | "realtime";
    eventType: string;
    field: string;
  }>;
  "call.caller_audio_dropped": CallStream<{ frames: number }>;
  "call.barge_in": CallStream<{ audioEndMs: number }>;
  "call.model_connected": CallStream<{ mode: string }>;
  "call.model_connect_failed": CallStream<{ reason: string; mode: string }>;
  "call.model_key_missing": CallStream;
  "call.model_socket_lost": CallStream;
  "call.model_unavailable": CallStream;
  "call.model_error": CallStream<{ code?: string | undefined; message?: string | undefined }>;
  "call.model_event_skipped": CallStream<{ reason: string }>;
  "call.session_rolled_over": CallStream;
  "call.tool_dispatch_failed": CallStream<Failure>;

  // Tools the agent called during a call.
  "call.tool": OfCall & { tool: string; durationMs: number; effect: string | null };
  "call.tool_failed": OfCall & Failure & { tool: string; durationMs: number };
  "call.transfer_started": OfCall;
  "call.transfer_failed": OfCall & Failure & { code: string };
  "call.end_requested": OfCall;

  // Texts: the outbox's delivery runs (cron), retries and failures, Twilio's status callbacks.
  "sms.delivery_run": OfTenant & { sent: number; retrying: number; failed: number };
  "sms.delivery_run_failed": OfTenant & Failure;
  "sms.retry_scheduled": OfTenant & { smsId: string; attempts: number; nextAttemptAt: string };
  "sms.failed": OfTenant & { smsId: string; attempts: number; code: string };
  "sms.status": InRequest & OfTenant & { smsStatus: string; known: boolean; changed: boolean };

  // Post-call: the queue consumer that starts the workflow, then the workflow's steps.
  "post_call.started": OfMessage & OfCall & { runId: string };
  "post_call.retry": OfMessage & OfCall & Failure & { attempts: number };
  "post_call.tenant_not_ready": OfMessage & OfCall & { reason: string };
  "post_call.tenant_unavailable": OfMessage & OfCall & { reason: string };
  "post_call.unparseable_message": OfMessage & { issues: string };
  "post_call.dlq_missing": OfMessage & { reason: string };
  "post_call.dlq_send_failed": OfMessage & Failure;
  "post_call.handler_failed": OfMessage & Failure;
  "post_call.call_missing": OfCall & { note: string };
  /** The LLM could not be reached: the step falls back (extractive summary) and retries later. */
  "post_call.llm_unreachable": OfCall & Failure & { step: string };
  "post_call.fact_rejected": OfCall & Failure;
  "post_call.profile_rejected": OfCall & { paths: string };
  "post_call.sms_delivery_deferred": OfCall & Failure;
  "post_call.finished": OfCall & {
    requestId?: string | undefined;
    result: string;
    factsAdded: number;
    factsSuperseded: number;
  };

  // Memory: the parts that degrade (keyword search only, context without a part) instead of failing.
  "memory.embed_failed": OfTenant & Failure & { count: number };
  "memory.vector_leg_failed": OfTenant & Failure;
  "memory.context_part_failed": OfTenant & Failure & { part: string };
}

export type LogEventName = keyof LogEvents;
