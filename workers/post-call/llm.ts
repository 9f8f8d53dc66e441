/**
 * The post-call LLM: chat completions with structured output (`response_format: json_schema`)
 * through the `openai` package against OPENAI_BASE_URL (any OpenAI-compatible server, the
 * local simulator in tests). Every answer is checked with the same zod schema the JSON schema
 * was generated from: a model that answers off-schema is an error, never stored.
 */
import OpenAI from "openai";
import { z } from "zod";
import type { Env } from "../env";
import { openAiKeyFor } from "../secrets/tenant-secrets";

export const DEFAULT_POSTCALL_MODEL = "gpt-4o-mini";

export interface StructuredRequest<S extends z.ZodType> {
  /** The json_schema name (the simulator scripts answers by it). */
  name: string;
  schema: S;
  system: string;
  user: string;
}

export interface LlmClient {
  readonly model: string;
  structured<S extends z.ZodType>(request: StructuredRequest<S>): Promise<z.infer<S>>;
}

export class LlmOutputError extends Error {}

export class OpenAiLlm implements LlmClient {
  readonly #client: OpenAI;
  constructor(
    options: { apiKey: string; baseURL: string; fetch?: typeof fetch },
    readonly model = DEFAULT_POSTCALL_MODEL,
  ) {
    this.#client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      fetch: options.fetch,
      // The queue retries with backoff; one quick client retry covers a dropped connection.
      maxRetries: 1,
      timeout: 60_000,
    });
  }

  async structured<S extends z.ZodType>(request: StructuredRequest<S>): Promise<z.infer<S>> {
    const schema = z.toJSONSchema(request.schema, { io: "output" }) as Record<string, unknown>;
    delete schema.$schema;
    const completion = await this.#client.chat.completions.create({
      model: this.model,
      temperature: 0,
      messages: [
        { role: "system", content: request.system },
        { role: "user", content: request.user },
      ],
      response_format: {
        type: "json_schema",
        json_schema: { name: request.name, schema, strict: true },
      },
    });
    const content = completion.choices[0]?.message.content;
    if (!content) throw new LlmOutputError(`${request.name}: the model answered without content`);
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      throw new LlmOutputError(`${request.name}: the model answered with invalid JSON`);
    }
    const parsed = request.schema.safeParse(value);
    if (!parsed.success)
      throw new LlmOutputError(
        `${request.name}: the model's answer does not match the schema (${parsed.error.issues
          .slice(0, 3)
          .map((i) => `${i.path.join(".")}: ${i.message}`)
          .join("; ")})`,
      );
    return parsed.data;
  }
}

/** The tenant's LLM (its own key, else the platform's), or null when none is configured. */
export async function llmClientFor(env: Env, tenantId: string): Promise<LlmClient | null> {
  const apiKey = await openAiKeyFor(env, tenantId);
  if (!apiKey || !env.OPENAI_BASE_URL) return null;
  return new OpenAiLlm(
    { apiKey, baseURL: env.OPENAI_BASE_URL },
    env.OPENAI_POSTCALL_MODEL ?? DEFAULT_POSTCALL_MODEL,
  );
}
