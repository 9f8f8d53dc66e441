/** Requests and answers of the bring-your-own key routes. Values go in, never out. */
import { z } from "zod";

export const SecretName = z
  .enum(["openai_api_key", "twilio_account_sid", "twilio_auth_token"])
  .meta({ id: "SecretName" });
export type SecretName = z.infer<typeof SecretName>;

export const SetSecretRequest = z
  .object({ value: z.string().trim().min(1, "must not be empty").max(500) })
  .strict();
export type SetSecretRequest = z.infer<typeof SetSecretRequest>;

/** Which secret is set, and when: never its value. */
export const SecretStatus = z.object({ name: z.string(), updatedAt: z.string() });

export const SecretList = z.object({
  secrets: z.array(SecretStatus),
  names: z.array(SecretName),
});
