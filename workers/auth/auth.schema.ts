import { z } from "zod";

export const LoginRequest = z
  .object({
    email: z.string().trim().toLowerCase().email("must be an email address").max(254),
    password: z.string().min(1, "is required").max(256),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequest>;
