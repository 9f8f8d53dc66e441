/**
 * The format of an industry template definition (workers/templates/definitions/*.json).
 *
 * Definitions are data, so every cross-reference (natural keys, bio placeholders, bio counts)
 * is checked here: a definition that parses is one `compileTemplate` can trust.
 */
import { z } from "zod";

const Key = z.string().regex(/^[a-z][a-z0-9_]*$/, {
  error: "must be snake_case (a-z, 0-9, _), starting with a letter",
});

export const FIELD_TYPES = [
  "string",
  "text",
  "integer",
  "number",
  "boolean",
  "date",
  "year",
  "enum",
  "phone",
  "email",
  "money",
] as const;
export const FieldType = z.enum(FIELD_TYPES);
export type FieldType = z.infer<typeof FieldType>;

const TEXT_TYPES: ReadonlySet<FieldType> = new Set(["string", "text"]);
const NUMERIC_TYPES: ReadonlySet<FieldType> = new Set(["integer", "number", "year", "money"]);

export const FieldDefinition = z
  .strictObject({
    key: Key,
    label: z.string().min(1),
    type: FieldType,
    required: z.boolean().optional(),
    values: z.array(z.string().min(1)).min(1).optional(),
    minLength: z.int().min(0).optional(),
    maxLength: z.int().min(1).optional(),
    // Identifiers such as a VIN need a shape, not just a length; the message is what the model hears.
    pattern: z.string().min(1).optional(),
    patternMessage: z.string().min(1).optional(),
    // Stored upper-cased, so that "1hgcm…" and "1HGCM…" are one vehicle.
    case: z.enum(["upper", "lower"]).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    description: z.string().optional(),
  })
  .superRefine((field, ctx) => {
    const problem = (message: string, path: string) =>
      ctx.addIssue({ code: "custom", message, path: [path] });
    if (field.type === "enum") {
      if (!field.values) problem("an enum field needs values", "values");
      else if (new Set(field.values).size !== field.values.length)
        problem("enum values must be unique", "values");
    } else if (field.values) problem("only enum fields take values", "values");
    const isText = TEXT_TYPES.has(field.type);
    for (const key of ["minLength", "maxLength", "pattern", "patternMessage", "case"] as const) {
      if (field[key] !== undefined && !isText)
        problem(`only string and text fields take ${key}`, key);
    }
    for (const key of ["min", "max"] as const) {
      if (field[key] !== undefined && !NUMERIC_TYPES.has(field.type))
        problem(`only numeric fields take ${key}`, key);
    }
    if (field.min !== undefined && field.max !== undefined && field.min > field.max)
      problem("min is greater than max", "min");
    if (
      field.minLength !== undefined &&
      field.maxLength !== undefined &&
      field.minLength > field.maxLength
    )
      problem("minLength is greater than maxLength", "minLength");
    if (field.pattern !== undefined) {
      try {
        new RegExp(field.pattern);
      } catch {
        problem("pattern is not a valid regular expression", "pattern");
      }
    }
  });
export type FieldDefinition = z.infer<typeof FieldDefinition>;

function duplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const key of keys) (seen.has(key) ? dup : seen).add(key);
  return [...dup];
}

export const GroupDefinition = z
  .strictObject({
    key: Key,
    label: z.string().min(1),
    itemLabel: z.string().min(1),
    naturalKey: z.union([Key, z.array(Key).min(1)]),
    fields: z.array(FieldDefinition).min(1),
    max: z.int().min(1).optional(),
  })
  .superRefine((group, ctx) => {
    for (const key of duplicates(group.fields.map((f) => f.key)))
      ctx.addIssue({ code: "custom", message: `field ${key} is defined twice`, path: ["fields"] });
    const fieldKeys = new Set(group.fields.map((f) => f.key));
    for (const key of naturalKeyFields(group)) {
      if (!fieldKeys.has(key))
        ctx.addIssue({
          code: "custom",
          message: `natural key ${key} is not a field of ${group.key}`,
          path: ["naturalKey"],
        });
    }
  });
export type GroupDefinition = z.infer<typeof GroupDefinition>;

export function naturalKeyFields(group: Pick<GroupDefinition, "naturalKey">): string[] {
  return typeof group.naturalKey === "string" ? [group.naturalKey] : group.naturalKey;
}

const TextSegment = z.strictObject({ text: z.string().min(1) });
const CountBySegment = z.strictObject({
  countBy: z.strictObject({
    group: Key,
    field: Key,
    labels: z.record(z.string(), z.string().min(1)),
    joiner: z.string().default(" + "),
    prefix: z.string().optional(),
  }),
});
const CountSegment = z.strictObject({
  count: z.strictObject({
    group: Key,
    singular: z.string().min(1),
    plural: z.string().min(1),
    prefix: z.string().optional(),
  }),
});
export const BioSegment = z.union([TextSegment, CountBySegment, CountSegment]);
export type BioSegment = z.infer<typeof BioSegment>;

export const PLACEHOLDER = /\{([a-z0-9_]+)\}/g;

export const TemplateDefinition = z
  .strictObject({
    // The name must not itself end in _v<digits>, or template ids would be ambiguous.
    name: Key.refine((name) => !/_v\d+$/.test(name), { error: "must not end in _v<number>" }),
    version: z.int().min(1),
    label: z.string().min(1),
    guidance: z.string().min(1),
    fields: z.array(FieldDefinition).min(1),
    groups: z.array(GroupDefinition).default([]),
    bio: z.array(BioSegment).min(1),
  })
  .superRefine((def, ctx) => {
    const problem = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: "custom", message, path });
    const topKeys = [...def.fields.map((f) => f.key), ...def.groups.map((g) => g.key)];
    for (const key of duplicates(topKeys)) problem(`key ${key} is defined twice`, ["fields"]);
    const fields = new Map(def.fields.map((f) => [f.key, f]));
    const groups = new Map(def.groups.map((g) => [g.key, g]));
    def.bio.forEach((segment, i) => {
      if ("text" in segment) {
        for (const [, key] of segment.text.matchAll(PLACEHOLDER)) {
          if (key !== undefined && !fields.has(key))
            problem(`placeholder {${key}} is not a top-level field`, ["bio", i, "text"]);
        }
        return;
      }
      const ref = "countBy" in segment ? segment.countBy : segment.count;
      const group = groups.get(ref.group);
      if (!group) {
        problem(`group ${ref.group} does not exist`, ["bio", i]);
        return;
      }
      if ("countBy" in segment) {
        const field = group.fields.find((f) => f.key === segment.countBy.field);
        if (!field || field.type !== "enum") {
          problem(`${segment.countBy.field} is not an enum field of ${group.key}`, ["bio", i]);
          return;
        }
        for (const value of Object.keys(segment.countBy.labels)) {
          if (!field.values?.includes(value))
            problem(`${value} is not a value of ${group.key}.${field.key}`, ["bio", i]);
        }
      }
    });
  });
export type TemplateDefinition = z.infer<typeof TemplateDefinition>;

/** One template version as the operators' console lists it. */
export const TemplateSummary = z
  .object({ id: z.string(), name: z.string(), version: z.number().int(), label: z.string() })
  .meta({ id: "TemplateSummary" });
export type TemplateSummary = z.infer<typeof TemplateSummary>;

export const TemplateList = z.object({ templates: z.array(TemplateSummary) });

/** `GET /api/tenants/{tenantId}/template`: what the profile form is generated from. */
export const TenantTemplate = z
  .object({
    template: z.object({
      id: z.string(),
      name: z.string(),
      version: z.number().int(),
      label: z.string(),
      fields: z.array(FieldDefinition),
      groups: z.array(GroupDefinition),
    }),
  })
  .meta({ id: "TenantTemplate" });
