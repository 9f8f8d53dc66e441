/**
 * Turns a template definition into zod validators.
 *
 * Three schemas per template, because profiles are built up over several calls:
 * - `profileSchema`: a complete profile; required fields must be present.
 * - `storedProfileSchema`: what may be stored between calls; same shapes and limits, but
 *   only group natural keys are required (see `missingRequired` in profile.ts).
 * - `patchSchema`: what the model may send; every field optional, null clears it, group
 *   items are partial but carry their natural key and may ask to be removed.
 * Every message is a plain reason meant to be read back to the model or shown to staff.
 */
import { z } from "zod";
import { normalizePhone } from "../lib/phone";
import type { FieldDefinition, GroupDefinition } from "./template.schema";
import { TemplateDefinition, naturalKeyFields } from "./template.schema";

export const DEFAULT_MAX_LENGTH = 500;
export const DEFAULT_GROUP_MAX = 50;
const DEFAULT_YEAR_MIN = 1900;
const DEFAULT_YEAR_MAX = 2100;

export type Profile = Record<string, unknown>;
export type ProfileItem = Record<string, unknown>;

export interface CompiledTemplate {
  readonly id: string;
  readonly definition: TemplateDefinition;
  readonly profileSchema: z.ZodType<Profile>;
  readonly storedProfileSchema: z.ZodType<Profile>;
  readonly patchSchema: z.ZodType<Profile>;
  /** One validator per top-level field, for patching field by field. */
  readonly fieldSchemas: ReadonlyMap<string, z.ZodType>;
  /** One validator per group for a patch item, for patching item by item. */
  readonly itemPatchSchemas: ReadonlyMap<string, z.ZodType<ProfileItem>>;
}

/** Builds the message for a type mismatch; zod gives `undefined` input when a key is absent. */
function typed(expected: string) {
  return {
    error: (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : expected),
  };
}

function isCalendarDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

function rangeChecks(schema: z.ZodNumber, field: FieldDefinition, min?: number, max?: number) {
  let result = schema;
  const lo = field.min ?? min;
  const hi = field.max ?? max;
  if (lo !== undefined) result = result.min(lo, { error: `must be at least ${lo}` });
  if (hi !== undefined) result = result.max(hi, { error: `must be at most ${hi}` });
  return result;
}

function textSchema(field: FieldDefinition): z.ZodType<string> {
  const maxLength = field.maxLength ?? DEFAULT_MAX_LENGTH;
  const minLength = field.minLength ?? 1;
  const exact = field.minLength !== undefined && field.minLength === field.maxLength;
  const pattern = field.pattern === undefined ? null : new RegExp(field.pattern);
  return z
    .string(typed("must be text"))
    .trim()
    .transform((value, ctx) => {
      const cased =
        field.case === "upper"
          ? value.toUpperCase()
          : field.case === "lower"
            ? value.toLowerCase()
            : value;
      const fail = (message: string) => {
        ctx.addIssue({ code: "custom", message });
        return z.NEVER;
      };
      if (cased.length === 0) return fail("must not be empty");
      if (exact && cased.length !== maxLength)
        return fail(`must be exactly ${maxLength} characters (got ${cased.length})`);
      if (cased.length < minLength) return fail(`must be at least ${minLength} characters`);
      if (cased.length > maxLength) return fail(`must be at most ${maxLength} characters`);
      if (pattern && !pattern.test(cased))
        return fail(field.patternMessage ?? `is not a valid ${field.label.toLowerCase()}`);
      return cased;
    });
}

function enumSchema(values: readonly string[]): z.ZodType<string> {
  return z
    .string(typed(`must be one of: ${values.join(", ")}`))
    .trim()
    .transform((value, ctx) => {
      // The model says "Auto" as often as "auto"; store the canonical spelling.
      const match = values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (match === undefined) {
        ctx.addIssue({ code: "custom", message: `must be one of: ${values.join(", ")}` });
        return z.NEVER;
      }
      return match;
    });
}

export function fieldSchema(field: FieldDefinition): z.ZodType {
  switch (field.type) {
    case "string":
    case "text":
      return textSchema(field);
    case "integer":
      return rangeChecks(
        z.number(typed("must be a whole number")).int("must be a whole number"),
        field,
      );
    case "number":
      return rangeChecks(z.number(typed("must be a number")), field);
    case "money":
      return rangeChecks(z.number(typed("must be an amount in dollars")), field, 0).refine(
        (v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6,
        { error: "must have at most two decimals" },
      );
    case "year":
      return rangeChecks(
        z.number(typed("must be a year, e.g. 2020")).int("must be a year, e.g. 2020"),
        field,
        DEFAULT_YEAR_MIN,
        DEFAULT_YEAR_MAX,
      );
    case "boolean":
      return z.boolean(typed("must be true or false"));
    case "date":
      return z
        .string(typed("must be a date as YYYY-MM-DD"))
        .trim()
        .refine(isCalendarDate, { error: "must be a date as YYYY-MM-DD" });
    case "enum":
      return enumSchema(field.values ?? []);
    case "phone":
      return z.string(typed("must be a phone number")).transform((value, ctx) => {
        const normalized = normalizePhone(value);
        if (normalized === null) {
          ctx.addIssue({ code: "custom", message: "must be a phone number, e.g. +19495550100" });
          return z.NEVER;
        }
        return normalized;
      });
    case "email":
      return z
        .string(typed("must be an email address"))
        .trim()
        .toLowerCase()
        .pipe(z.email({ error: "must be an email address" }).max(254, "must be an email address"));
  }
}

function unknownKeyMessage(what: string) {
  return {
    error: (issue: { code?: string; keys?: string[] }) =>
      issue.code === "unrecognized_keys" ? `is not a field of ${what}` : undefined,
  };
}

/** Normalises a natural key so that case and whitespace never make two items of one. */
export function naturalKeyOf(group: GroupDefinition, item: ProfileItem): string {
  return naturalKeyFields(group)
    .map((key) => {
      const value = item[key];
      const text = typeof value === "string" ? value : JSON.stringify(value ?? null);
      return text.toLowerCase().replace(/\s+/g, "");
    })
    .join("\u0000");
}

function itemSchemas(group: GroupDefinition) {
  const keys = new Set(naturalKeyFields(group));
  const what = `a ${group.itemLabel.toLowerCase()}`;
  const complete: Record<string, z.ZodType> = {};
  const stored: Record<string, z.ZodType> = {};
  const patch: Record<string, z.ZodType> = {};
  for (const field of group.fields) {
    const schema = fieldSchema(field);
    const isKey = keys.has(field.key);
    complete[field.key] = field.required || isKey ? schema : schema.optional();
    stored[field.key] = isKey ? schema : schema.optional();
    patch[field.key] = isKey ? schema : schema.nullable().optional();
  }
  patch._remove = z.literal(true, { error: "_remove must be true when present" }).optional();
  return {
    complete: z.strictObject(complete, unknownKeyMessage(what)),
    stored: z.strictObject(stored, unknownKeyMessage(what)),
    patch: z.strictObject(patch, unknownKeyMessage(what)),
  };
}

function listSchema(group: GroupDefinition, item: z.ZodType<ProfileItem>) {
  const max = group.max ?? DEFAULT_GROUP_MAX;
  return z
    .array(item, typed(`must be a list of ${group.label.toLowerCase()}`))
    .max(max, { error: `must hold at most ${max} ${group.label.toLowerCase()}` })
    .superRefine((items, ctx) => {
      const seen = new Map<string, number>();
      items.forEach((it, i) => {
        const key = naturalKeyOf(group, it);
        const first = seen.get(key);
        if (first !== undefined)
          ctx.addIssue({
            code: "custom",
            message: `is the same ${group.itemLabel.toLowerCase()} as item ${first}`,
            path: [i],
          });
        else seen.set(key, i);
      });
    });
}

export function compileTemplate(input: TemplateDefinition): CompiledTemplate {
  const parsed = TemplateDefinition.safeParse(input);
  if (!parsed.success) {
    // A definition ships with the code, so a bad one is a programming error, not a caller's.
    throw new Error(`invalid template definition: ${z.prettifyError(parsed.error)}`);
  }
  const definition = parsed.data;
  const what = `the ${definition.label} template`;
  const fieldSchemas = new Map<string, z.ZodType>();
  const itemPatchSchemas = new Map<string, z.ZodType<ProfileItem>>();
  const complete: Record<string, z.ZodType> = {};
  const stored: Record<string, z.ZodType> = {};
  const patch: Record<string, z.ZodType> = {};

  for (const field of definition.fields) {
    const schema = fieldSchema(field);
    fieldSchemas.set(field.key, schema);
    complete[field.key] = field.required ? schema : schema.optional();
    stored[field.key] = schema.optional();
    patch[field.key] = schema.nullable().optional();
  }
  for (const group of definition.groups) {
    const items = itemSchemas(group);
    itemPatchSchemas.set(group.key, items.patch);
    complete[group.key] = listSchema(group, items.complete).optional();
    stored[group.key] = listSchema(group, items.stored).optional();
    patch[group.key] = z
      .array(items.patch, typed(`must be a list of ${group.label.toLowerCase()}`))
      .optional();
  }

  return {
    id: `${definition.name}_v${definition.version}`,
    definition,
    profileSchema: z.strictObject(complete, unknownKeyMessage(what)),
    storedProfileSchema: z.strictObject(stored, unknownKeyMessage(what)),
    patchSchema: z.strictObject(patch, unknownKeyMessage(what)),
    fieldSchemas,
    itemPatchSchemas,
  };
}
