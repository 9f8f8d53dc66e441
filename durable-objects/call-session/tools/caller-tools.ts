/** The caller's profile: read it, and correct it with what the caller says (template-validated). */
import { z } from "zod";
import type { CallerView } from "../../../workers/callers/callers";
import {
  findCallerByPhone,
  templateForCaller,
  updateCallerProfile,
} from "../../../workers/callers/callers";
import type { TenantContext } from "../../../workers/tenancy/tenant-context";
import type { FieldDefinition } from "../../../workers/templates/template.schema";
import { callerNumber } from "./phone-readback";
import { defineTool, fail, succeed } from "./types";

function describeField(f: FieldDefinition): string {
  return f.values ? `${f.key} (${f.type}: ${f.values.join("|")})` : `${f.key} (${f.type})`;
}

/** The field names the model may patch, from the template this caller's profile is written with. */
function profileFormat(ctx: TenantContext, caller: Pick<CallerView, "profileTemplate">) {
  const template = templateForCaller(ctx, caller).definition;
  return {
    fields: template.fields.map(describeField),
    groups: template.groups.map((g) => ({
      key: g.key,
      item: g.itemLabel,
      identified_by: g.naturalKey,
      fields: g.fields.map(describeField),
    })),
  };
}

const WITHHELD = "the caller's number is withheld, so there is no profile to use on this call";

export const lookupCallerProfile = defineTool({
  name: "lookup_caller_profile",
  description:
    "Look up what this business already knows about the caller (name, the records the business keeps for them, a one-line bio, how often they called). Use it before asking for details the business may already have.",
  args: z.object({}).strict(),
  async run(_args, ctx) {
    const phone = callerNumber(ctx.callerPhone);
    if (!phone) return fail(WITHHELD);
    const caller = await findCallerByPhone(ctx.tenant, phone);
    if (!caller)
      return succeed({
        known: false,
        note: "first call from this number",
        profile_format: profileFormat(ctx.tenant, { profileTemplate: null }),
      });
    return succeed({
      known: true,
      first_name: caller.firstName,
      last_name: caller.lastName,
      bio: caller.bio,
      profile: caller.profile,
      call_count: caller.callCount,
      last_call_at: caller.lastCallAt,
      profile_format: profileFormat(ctx.tenant, caller),
    });
  },
});

export const updateCallerProfileTool = defineTool({
  name: "update_caller_profile",
  description:
    "Save details the caller states about themselves into their profile (for example their name, address, or a record the business keeps such as a policy, vehicle or property). Send only the fields that changed, using the profile's field names as lookup_caller_profile returns them. Parts that do not fit the business's profile format come back in `rejected` with the reason: ask the caller to clarify those, or leave them.",
  args: z
    .object({
      patch: z
        .record(z.string(), z.unknown())
        .describe('The profile fields to set, e.g. {"first_name": "Ana"}'),
    })
    .strict(),
  async run(args, ctx) {
    const phone = callerNumber(ctx.callerPhone);
    if (!phone) return fail(WITHHELD);
    if (Object.keys(args.patch).length === 0) return fail("patch is empty: give the fields to set");
    const result = await updateCallerProfile(ctx.tenant, phone, args.patch);
    const rejected = result.rejected.map((r) => ({ path: r.path, reason: r.message }));
    if (result.caller === null || result.applied.length === 0)
      return fail("nothing was saved: every part of the patch was rejected", { rejected });
    return succeed({ applied: result.applied, rejected, bio: result.caller.bio });
  },
});
