/**
 * Caller profiles against a compiled template: validation, patching and the one-line bio.
 *
 * A patch from the model is applied part by part (each top-level field, each group item), so
 * one bad value is rejected with its path and reason while the rest of the patch still lands.
 */
import type { z } from "zod";
import type { CompiledTemplate, Profile, ProfileItem } from "./compile";
import { naturalKeyOf, DEFAULT_GROUP_MAX } from "./compile";
import type { FieldDefinition, GroupDefinition } from "./template.schema";
import { PLACEHOLDER, naturalKeyFields } from "./template.schema";

export interface ProfileIssue {
  path: string;
  message: string;
}

export type ValidateProfileResult =
  { ok: true; profile: Profile } | { ok: false; issues: ProfileIssue[] };

export interface PatchResult {
  profile: Profile;
  applied: string[];
  rejected: ProfileIssue[];
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const parts = [prefix, ...path.map(String)].filter((p) => p.length > 0);
  return parts.join(".");
}

/** Flattens zod issues to `path: reason` pairs, naming each unknown key on its own path. */
export function toIssues(error: z.ZodError, prefix = ""): ProfileIssue[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: joinPath(prefix, [...issue.path, key]),
        message: issue.message,
      }));
    }
    return [{ path: joinPath(prefix, issue.path), message: issue.message }];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Validates a profile. By default it must be complete (required fields present); pass
 * `{ partial: true }` for a profile still being built up over calls.
 */
export function validateProfile(
  template: CompiledTemplate,
  value: unknown,
  options: { partial?: boolean } = {},
): ValidateProfileResult {
  const schema = options.partial ? template.storedProfileSchema : template.profileSchema;
  const result = schema.safeParse(value);
  return result.success
    ? { ok: true, profile: result.data }
    : { ok: false, issues: toIssues(result.error) };
}

/** Paths of the required fields a profile still lacks, e.g. `last_name`, `vehicles.0.make`. */
export function missingRequired(template: CompiledTemplate, profile: Profile): string[] {
  const missing: string[] = [];
  const isEmpty = (v: unknown) => v === undefined || v === null || v === "";
  for (const field of template.definition.fields) {
    if (field.required && isEmpty(profile[field.key])) missing.push(field.key);
  }
  for (const group of template.definition.groups) {
    const items = profile[group.key];
    if (!Array.isArray(items)) continue;
    items.forEach((item: unknown, i) => {
      for (const field of group.fields) {
        if (field.required && (!isRecord(item) || isEmpty(item[field.key])))
          missing.push(`${group.key}.${i}.${field.key}`);
      }
    });
  }
  return missing;
}

function itemsOf(profile: Profile, key: string): ProfileItem[] {
  const items = profile[key];
  return Array.isArray(items) ? items.filter(isRecord) : [];
}

function describeKey(group: GroupDefinition, item: ProfileItem): string {
  return naturalKeyFields(group)
    .map((key) => `${key} ${String(item[key])}`)
    .join(", ");
}

function applyGroupItem(
  group: GroupDefinition,
  items: ProfileItem[],
  parsed: ProfileItem,
): { ok: true } | { ok: false; message: string } {
  const key = naturalKeyOf(group, parsed);
  const index = items.findIndex((item) => naturalKeyOf(group, item) === key);
  const { _remove: remove, ...fields } = parsed;
  const label = group.itemLabel.toLowerCase();
  if (remove === true) {
    if (index === -1)
      return { ok: false, message: `no ${label} with ${describeKey(group, parsed)}` };
    items.splice(index, 1);
    return { ok: true };
  }
  const existing = index === -1 ? undefined : items[index];
  if (existing === undefined) {
    const max = group.max ?? DEFAULT_GROUP_MAX;
    if (items.length >= max)
      return { ok: false, message: `already holds the most ${group.label.toLowerCase()} (${max})` };
  }
  const merged: ProfileItem = { ...existing };
  // The first spelling of a natural key stays: "12  ocean view dr" must not rewrite the address.
  const keyFields = existing === undefined ? new Set<string>() : new Set(naturalKeyFields(group));
  for (const [field, value] of Object.entries(fields)) {
    if (keyFields.has(field)) continue;
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  if (existing === undefined) items.push(merged);
  else items[index] = merged;
  return { ok: true };
}

/**
 * Applies a patch from the model to a stored profile. Nothing in `currentProfile` is mutated.
 * Group items merge by natural key (case- and whitespace-insensitive); `_remove: true` removes
 * an item; null clears a field. Missing required fields never cause a rejection: profiles fill
 * up over calls (see `missingRequired`).
 */
export function applyProfilePatch(
  template: CompiledTemplate,
  currentProfile: Profile,
  patch: unknown,
): PatchResult {
  const applied: string[] = [];
  const rejected: ProfileIssue[] = [];
  if (!isRecord(patch)) {
    return {
      profile: currentProfile,
      applied,
      rejected: [{ path: "", message: "the patch must be an object of field values" }],
    };
  }
  const profile: Profile = structuredClone(currentProfile);
  const groups = new Map(template.definition.groups.map((g) => [g.key, g]));

  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const fieldSchema = template.fieldSchemas.get(key);
    if (fieldSchema) {
      if (value === null) {
        delete profile[key];
        applied.push(key);
        continue;
      }
      const result = fieldSchema.safeParse(value);
      if (result.success) {
        profile[key] = result.data;
        applied.push(key);
      } else rejected.push(...toIssues(result.error, key));
      continue;
    }
    const group = groups.get(key);
    const itemSchema = template.itemPatchSchemas.get(key);
    if (!group || !itemSchema) {
      rejected.push({
        path: key,
        message: `is not a field of the ${template.definition.label} template`,
      });
      continue;
    }
    if (!Array.isArray(value)) {
      rejected.push({ path: key, message: `must be a list of ${group.label.toLowerCase()}` });
      continue;
    }
    const items = itemsOf(profile, key).map((item) => ({ ...item }));
    value.forEach((raw: unknown, i) => {
      const path = `${key}.${i}`;
      const result = itemSchema.safeParse(raw);
      if (!result.success) {
        rejected.push(...toIssues(result.error, path));
        return;
      }
      const outcome = applyGroupItem(group, items, result.data);
      if (outcome.ok) applied.push(path);
      else rejected.push({ path, message: outcome.message });
    });
    if (items.length > 0) profile[key] = items;
    else delete profile[key];
  }

  // Each part was validated alone; this guards the whole against a gap in that reasoning.
  const whole = template.storedProfileSchema.safeParse(profile);
  if (!whole.success) {
    return {
      profile: currentProfile,
      applied: [],
      rejected: [...rejected, ...toIssues(whole.error)],
    };
  }
  return { profile: whole.data, applied, rejected };
}

function formatValue(field: FieldDefinition | undefined, value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (typeof value === "number") {
    if (field?.type === "money") return `$${value.toLocaleString("en-US")}`;
    if (field?.type === "year") return String(value);
    return value.toLocaleString("en-US");
  }
  if (typeof value !== "string") return "";
  // Enum values are snake_case identifiers; a bio is read by people.
  return field?.type === "enum" ? value.replace(/_/g, " ") : value.trim();
}

/** The caller's one-line bio, e.g. "John Smith | Orange County | 2 Auto + 1 Home | Client since 2020". */
export function renderBio(template: CompiledTemplate, profile: Profile): string {
  const { definition } = template;
  const fields = new Map(definition.fields.map((f) => [f.key, f]));
  const segments: string[] = [];
  for (const segment of definition.bio) {
    if ("text" in segment) {
      let placeholders = 0;
      let filled = 0;
      const text = segment.text.replace(PLACEHOLDER, (_match, key: string) => {
        placeholders += 1;
        const rendered = formatValue(fields.get(key), profile[key]);
        if (rendered.length > 0) filled += 1;
        return rendered;
      });
      if (placeholders > 0 && filled === 0) continue;
      const cleaned = text.replace(/\s+/g, " ").trim();
      if (cleaned.length > 0) segments.push(cleaned);
    } else if ("countBy" in segment) {
      const { group, field, labels, joiner, prefix } = segment.countBy;
      const items = itemsOf(profile, group);
      const parts = Object.entries(labels).flatMap(([value, label]) => {
        const n = items.filter((item) => item[field] === value).length;
        return n > 0 ? [`${n} ${label}`] : [];
      });
      if (parts.length > 0) segments.push(`${prefix ?? ""}${parts.join(joiner)}`);
    } else {
      const { group, singular, plural, prefix } = segment.count;
      const n = itemsOf(profile, group).length;
      if (n > 0) segments.push(`${prefix ?? ""}${n} ${n === 1 ? singular : plural}`);
    }
  }
  return segments.join(" | ");
}
