/** Requests and answers of the callers routes. */
import { z } from "zod";
import { Limit } from "../lib/paging";

export const CallerListQuery = z
  .object({
    search: z.string().trim().max(100).optional(),
    limit: Limit,
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    customer_id: z.string().max(100).optional(),
  })
  .strict();
export type CallerListQuery = z.infer<typeof CallerListQuery>;

/** `{phone}`: an E.164 number, URL-encoded (`%2B19495550100`); other spellings are normalised. */
export const PhonePath = z.object({
  phone: z.string().meta({ description: "The caller's number, URL-encoded, e.g. %2B19495550100" }),
});

export const CallerProfilePatch = z.object({ profile: z.record(z.string(), z.unknown()) }).strict();
export type CallerProfilePatch = z.infer<typeof CallerProfilePatch>;

/** A caller as the API shows it: the stored row with its profile parsed. */
export const CallerView = z
  .object({
    id: z.string(),
    phone: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    profile: z.record(z.string(), z.unknown()),
    profileTemplate: z.string().nullable(),
    bio: z.string(),
    callCount: z.number().int(),
    lastCallAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Caller" });
export type CallerView = z.infer<typeof CallerView>;

export const CallerList = z.object({ callers: z.array(CallerView) }).meta({ id: "CallerList" });
export const CallerAnswer = z.object({ caller: CallerView }).meta({ id: "CallerAnswer" });
export const ProfileEdit = z
  .object({ caller: CallerView, applied: z.array(z.string()) })
  .meta({ id: "CallerProfileEdit" });
export type ProfileEdit = z.infer<typeof ProfileEdit>;
