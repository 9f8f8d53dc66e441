/**
 * What each Realtime server event means for the call. The switch is exhaustive (assertNever):
 * a new event type in the schema must be routed or explicitly ignored here.
 */
import type { WithCallFields } from "../../workers/observability/log-events";
import { log } from "../../workers/observability/log";
import type { AgentAudioChunk } from "./audio";
import { assertNever } from "./protocol/assert-never";
import type {
  FunctionCallArgumentsDoneEvent,
  RealtimeServerEvent,
  RealtimeUsage,
} from "./protocol/realtime.schema";

export interface ModelEventHandlers {
  fields: WithCallFields;
  /** The caller started talking (server VAD). */
  speechStarted(): void;
  agentAudio(chunk: AgentAudioChunk): void;
  agentAudioDone(itemId: string): void;
  agentTranscript(itemId: string, transcript: string): void;
  callerTranscript(transcript: string): void;
  responseCreated(): void;
  responseDone(usage: RealtimeUsage | null): void;
  functionCall(event: FunctionCallArgumentsDoneEvent): void;
}

export function routeModelEvent(event: RealtimeServerEvent, on: ModelEventHandlers): void {
  switch (event.type) {
    case "error":
      // Logged with the call's ids; the call goes on (the model recovers or the socket closes).
      log(
        "warn",
        "call.model_error",
        on.fields({
          code: event.error?.code ?? event.error?.type,
          message: event.error?.message,
        }),
      );
      return;
    case "input_audio_buffer.speech_started":
      on.speechStarted();
      return;
    case "response.output_audio.delta":
      on.agentAudio({
        itemId: event.item_id,
        contentIndex: event.content_index,
        payload: event.delta,
      });
      return;
    case "response.output_audio.done":
      on.agentAudioDone(event.item_id);
      return;
    case "response.output_audio_transcript.done":
      on.agentTranscript(event.item_id, event.transcript);
      return;
    case "conversation.item.input_audio_transcription.completed":
      on.callerTranscript(event.transcript);
      return;
    case "response.created":
      on.responseCreated();
      return;
    case "response.done":
      on.responseDone(event.response?.usage ?? null);
      return;
    case "response.function_call_arguments.done":
      on.functionCall(event);
      return;
    case "session.created":
    case "session.updated":
    case "input_audio_buffer.speech_stopped":
    case "input_audio_buffer.committed":
    case "response.output_audio_transcript.delta":
    case "response.output_item.added":
    case "response.output_item.done":
    case "conversation.item.created":
    case "conversation.item.added":
    case "conversation.item.done":
    case "conversation.item.truncated":
    case "rate_limits.updated":
      return;
    default:
      assertNever(event);
  }
}
