/** Callers of one tenant. Every function takes the tenant's context: there is no other way in. */
import { desc, eq, or } from "drizzle-orm";
import { callers } from "../db/tenant.schema";
import { containsText, phoneContains } from "../db/text-search";
import { newId } from "../lib/crypto";
import type { TenantContext } from "../tenancy/tenant-context";
import type { CompiledTemplate } from "../templates/compile";
import type { ProfileIssue } from "../templates/profile";
import { applyProfilePatch, renderBio } from "../templates/profile";
import { getTemplate, getTemplateById, templateId } from "../templates/registry";
import type { CallerView, ProfileEdit } from "./callers.schema";
import type { Result } from "../lib/result";
import { fail, ok } from "../lib/result";

export type CallerRow = typeof callers.$inferSelect;

export type { CallerView };

export function toCallerView(row: CallerRow): CallerView {
  let profile: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(row.profile);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      profile = parsed as Record<string, unknown>;
  } catch {
    profile = {};
  }
  return { ...row, profile };
}

export async function findCallerByPhone(
  ctx: TenantContext,
  phone: string,
): Promise<CallerView | null> {
  const row = await ctx.db.query.callers.findFirst({ where: eq(callers.phone, phone) });
  return row ? toCallerView(row) : null;
}

export async function listCallers(
  ctx: TenantContext,
  options: { search?: string; limit: number; offset: number },
): Promise<CallerView[]> {
  const term = options.search;
  const rows = await ctx.db
    .select()
    .from(callers)
    .where(
      term
        ? or(
            containsText(callers.phone, term),
            phoneContains(callers.phone, term),
            containsText(callers.firstName, term),
            containsText(callers.lastName, term),
            containsText(callers.bio, term),
          )
        : undefined,
    )
    .orderBy(desc(callers.updatedAt))
    .limit(options.limit)
    .offset(options.offset);
  return rows.map(toCallerView);
}

/** The caller behind a phone number, created on first contact. Races resolve to one row. */
export async function findOrCreateCaller(ctx: TenantContext, phone: string): Promise<CallerView> {
  const existing = await findCallerByPhone(ctx, phone);
  if (existing) return existing;
  await ctx.db
    .insert(callers)
    .values({
      id: newId("clr"),
      phone,
      profileTemplate: templateId(ctx.template.name, ctx.template.version),
    })
    .onConflictDoNothing();
  const created = await findCallerByPhone(ctx, phone);
  if (!created) throw new Error("caller row missing right after insert");
  return created;
}

/**
 * The template a caller's profile is validated with: the version it was written with, so a
 * tenant moving to a new template version never invalidates stored profiles.
 */
export function templateForCaller(
  ctx: TenantContext,
  caller: Pick<CallerView, "profileTemplate">,
): CompiledTemplate {
  const pinned = caller.profileTemplate ? getTemplateById(caller.profileTemplate) : null;
  const current = getTemplate(ctx.template.name, ctx.template.version);
  const template = pinned ?? current;
  if (!template) throw new Error(`tenant ${ctx.tenantId} is pinned to an unknown template`);
  return template;
}

export type ProfileUpdate =
  | { caller: CallerView; applied: string[]; rejected: ProfileIssue[] }
  /** Nothing applied to a number the tenant did not know: no caller was created. */
  | { caller: null; applied: []; rejected: ProfileIssue[] };

/**
 * Applies a profile patch (from the model, an API client or staff): each valid part is stored,
 * each invalid part is rejected with its path and reason, and the bio line is rebuilt. The patch
 * is checked before anything is written, so a wholly rejected patch for an unknown number
 * leaves no caller behind.
 */
export async function updateCallerProfile(
  ctx: TenantContext,
  phone: string,
  patch: unknown,
): Promise<ProfileUpdate> {
  const known = await findCallerByPhone(ctx, phone);
  if (!known) {
    const check = applyProfilePatch(templateForCaller(ctx, { profileTemplate: null }), {}, patch);
    if (check.applied.length === 0) return { caller: null, applied: [], rejected: check.rejected };
  }
  const caller = known ?? (await findOrCreateCaller(ctx, phone));
  const template = templateForCaller(ctx, caller);
  const result = applyProfilePatch(template, caller.profile, patch);
  if (result.applied.length === 0) return { caller, applied: [], rejected: result.rejected };
  const profile = result.profile;
  const firstName = typeof profile.first_name === "string" ? profile.first_name : null;
  const lastName = typeof profile.last_name === "string" ? profile.last_name : null;
  const updatedAt = new Date().toISOString();
  await ctx.db
    .update(callers)
    .set({
      profile: JSON.stringify(profile),
      profileTemplate: template.id,
      firstName,
      lastName,
      bio: renderBio(template, profile),
      updatedAt,
    })
    .where(eq(callers.id, caller.id));
  const updated = await findCallerByPhone(ctx, phone);
  return { caller: updated ?? caller, applied: result.applied, rejected: result.rejected };
}

/**
 * A staff edit of a known caller's profile. A form saves all or nothing: the whole patch is
 * checked first, with the same validator the store uses, and any rejected field refuses it.
 */
export async function editCallerProfile(
  ctx: TenantContext,
  phone: string,
  patch: Record<string, unknown>,
): Promise<Result<ProfileEdit>> {
  const caller = await findCallerByPhone(ctx, phone);
  if (!caller) return fail("not_found", "No caller with that number");
  const check = applyProfilePatch(templateForCaller(ctx, caller), caller.profile, patch);
  if (check.rejected.length > 0) {
    const issues = check.rejected.map((i) => ({ path: i.path || "profile", message: i.message }));
    return fail(
      "invalid_request",
      `Invalid profile: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  const result = await updateCallerProfile(ctx, phone, patch);
  return ok({ caller: result.caller ?? caller, applied: result.applied });
}
