/** Page parameters of every list query: query strings carry numbers as text, hence the coercion. */
import { z } from "zod";

export const Limit = z.coerce.number().int().min(1).max(200).default(50);
export const Offset = z.coerce.number().int().min(0).max(1_000_000).default(0);
