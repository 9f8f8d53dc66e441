/** Requests and answers of the API key routes. A key itself is shown once, at creation. */
import { z } from "zod";

export const CreateApiKeyRequest = z.object({ name: z.string().trim().min(1).max(80) }).strict();
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** A key as admins see it later: never the key, only what recognises it. */
export const ApiKeyView = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const CreatedApiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: z.string(),
    /** The whole key. Returned once, never stored. */
    key: z.string(),
  })
  .meta({ id: "CreatedApiKey" });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
