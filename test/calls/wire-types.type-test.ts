/**
 * Compile-time checks of our Realtime wire schemas against the `openai` package's own Realtime
 * types, so a renamed or retyped field fails `tsc --noEmit` (part of `npm test`), not a live call.
 * Nothing here runs: vitest only collects `*.test.ts`, tsc checks this file with the rest of
 * test/. Each check names the offending event and field path in its error.
 *
 * What "faithful" means, per direction:
 * - Server events (we parse): every field our documented shape declares exists in openai's type
 *   for that event, at any depth; every event openai's type allows passes our documented shape
 *   (so a type change or a field we require that openai may omit fails); and each field the
 *   relay reads that openai marks required is required in our documented shape.
 * - Client events (we send): every field we declare exists in openai's type, and every event we
 *   may build is assignable to openai's (so a renamed required field fails too).
 */
import type { z } from "zod";
import type {
  RealtimeClientEvent as OpenAIClientEvent,
  RealtimeServerEvent as OpenAIServerEvent,
} from "openai/resources/realtime/realtime";
import type {
  DocumentedRealtimeServerEvent,
  RealtimeClientEvent,
  RealtimeServerEvent,
} from "../../durable-objects/call-session/protocol/realtime.schema";

// ---- type-level helpers ----
// Kept shallow (top-level fields, primitive types): recursing into openai's item and session
// unions makes tsc take minutes. Nested shapes (items, responses, sessions) are loose by design.

/** Compiles only when `T` is `never`; an error shows the failures `T` holds. */
type ExpectNever<T extends never> = T;

type Primitive = string | number | boolean | null | undefined;

/** T's declared keys, without the index signature a zod looseObject adds. */
type DeclaredKeys<T> = keyof {
  [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K];
};

type RequiredKeys<T> = {
  [K in keyof T]-?: object extends Pick<T, K> ? never : K;
}[keyof T];

/** Fields of ours that theirs lacks. */
type ExtraFields<Ours, Theirs> = Exclude<DeclaredKeys<Ours>, keyof Theirs> & string;

/** Scalar fields where a value their type allows is refused by ours. */
type NarrowerFields<Ours, Theirs> = {
  [K in DeclaredKeys<Ours> & keyof Theirs & string]: [Theirs[K]] extends [Primitive]
    ? [Theirs[K]] extends [Ours[K]]
      ? never
      : K
    : never;
}[DeclaredKeys<Ours> & keyof Theirs & string];

/** Scalar fields where a value ours may hold is refused by theirs. */
type WiderFields<Ours, Theirs> = {
  [K in DeclaredKeys<Ours> & keyof Theirs & string]: [Ours[K]] extends [Primitive]
    ? [Ours[K]] extends [Theirs[K]]
      ? never
      : K
    : never;
}[DeclaredKeys<Ours> & keyof Theirs & string];

type OpenAIServer<T extends string> = Extract<OpenAIServerEvent, { type: T }>;
type OpenAIClient<T extends string> = Extract<OpenAIClientEvent, { type: T }>;

// ---- server events: our documented shapes against openai's ----

/** One documented event's failures, as `type: reason` strings. */
type ServerEventDrift<D extends { type: string }> = D extends unknown
  ? [OpenAIServer<D["type"]>] extends [never]
    ? `${D["type"]}: no such event in openai`
    : | `${D["type"]}: openai has no field ${ExtraFields<D, OpenAIServer<D["type"]>>}`
      | `${D["type"]}: ${NarrowerFields<D, OpenAIServer<D["type"]>>} refuses what openai allows`
      | `${D["type"]}: openai omits ${Exclude<
          DeclaredKeys<D> & RequiredKeys<D>,
          RequiredKeys<OpenAIServer<D["type"]>>
        > &
          string}, which our documented shape requires`
  : never;

/** Every documented server event, on the shape it accepts (zod input: defaults unset). */
export type ServerEventsAreFaithful = ExpectNever<
  ServerEventDrift<z.input<typeof DocumentedRealtimeServerEvent>>
>;

/**
 * Each field the relay reads: where openai requires it, our documented shape requires it too,
 * and the reader accepts what openai allows. (ResponseDone's `response` and the error details
 * are optional in the reader on purpose, so the end of a turn or an error is never dropped.)
 */
type ReadFieldDrift<R extends { type: string }> = R extends unknown
  ? | `${R["type"]}: openai requires ${Exclude<
        RequiredKeys<OpenAIServer<R["type"]>> & DeclaredKeys<R>,
        RequiredKeys<Extract<DocumentedRealtimeServerEvent, { type: R["type"] }>>
      > &
        string} but our documented shape does not`
    | `${R["type"]}: openai has no field ${ExtraFields<R, OpenAIServer<R["type"]>>}`
    | `${R["type"]}: the reader's ${NarrowerFields<R, OpenAIServer<R["type"]>>} refuses what openai allows`
  : never;

export type ReadFieldsAreFaithful = ExpectNever<
  ReadFieldDrift<z.input<typeof RealtimeServerEvent>>
>;

/** The reader and the documented union cover the same events, so both checks above see all. */
export type ReaderWithinDocumented = ExpectNever<
  Exclude<RealtimeServerEvent["type"], DocumentedRealtimeServerEvent["type"]>
>;
export type DocumentedWithinReader = ExpectNever<
  Exclude<DocumentedRealtimeServerEvent["type"], RealtimeServerEvent["type"]>
>;

// ---- client events: what we send, typed as openai's ----

type ClientEventDrift<C extends { type: string }> = C extends unknown
  ? [OpenAIClient<C["type"]>] extends [never]
    ? `${C["type"]}: no such client event in openai`
    : | `${C["type"]}: openai has no field ${ExtraFields<C, OpenAIClient<C["type"]>>}`
      | `${C["type"]}: ${WiderFields<C, OpenAIClient<C["type"]>>} may hold what openai refuses`
      | `${C["type"]}: openai requires ${Exclude<
          RequiredKeys<OpenAIClient<C["type"]>>,
          RequiredKeys<C>
        > &
          string}, which we may leave out`
  : never;

/** Every client event the relay may build (the builders return these types). */
export type ClientEventsAreOpenAIs = ExpectNever<ClientEventDrift<RealtimeClientEvent>>;

/** And whole: each event we may send is assignable to openai's, nested parts included. */
export type ClientEventsAssignable = ExpectNever<
  RealtimeClientEvent extends infer C
    ? C extends { type: string }
      ? C extends OpenAIClient<C["type"]>
        ? never
        : `${C["type"]}: not assignable to openai's`
      : never
    : never
>;
