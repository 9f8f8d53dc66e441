/** Page parameters of list queries (query strings, so coerced from text). */
import { z } from "zod";

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Offset = z.coerce.number().int().min(0).max(1_000_000).default(0);
