/**
 * The built-in industry templates, compiled once per isolate.
 *
 * A tenant is pinned to a template id (name + version); old versions stay here so profiles
 * written with them keep validating against the version they were written with.
 */
import type { CompiledTemplate } from "./compile";
import { compileTemplate } from "./compile";
import insurance from "./definitions/insurance_v1.json";
import medicalDental from "./definitions/medical_dental_v1.json";
import mortgage from "./definitions/mortgage_v1.json";
import realEstate from "./definitions/real_estate_v1.json";
import { TemplateDefinition } from "./template.schema";
import type { TemplateSummary } from "./template.schema";

/** The JSON files as shipped, before validation; tests check each one on its own. */
export const RAW_TEMPLATE_DEFINITIONS: readonly unknown[] = [
  insurance,
  realEstate,
  mortgage,
  medicalDental,
];

/** The shipped definitions, validated: a bad file fails loudly when the module loads. */
export const TEMPLATE_DEFINITIONS: readonly TemplateDefinition[] = RAW_TEMPLATE_DEFINITIONS.map(
  (raw) => TemplateDefinition.parse(raw),
);

export function templateId(name: string, version: number): string {
  return `${name}_v${version}`;
}

export function parseTemplateId(id: string): { name: string; version: number } | null {
  const match = /^([a-z][a-z0-9_]*)_v([1-9]\d{0,5})$/.exec(id);
  if (!match) return null;
  const [, name, version] = match;
  if (name === undefined || version === undefined) return null;
  return { name, version: Number(version) };
}

let compiled: ReadonlyMap<string, CompiledTemplate> | null = null;

function all(): ReadonlyMap<string, CompiledTemplate> {
  if (compiled === null) {
    const map = new Map<string, CompiledTemplate>();
    for (const definition of TEMPLATE_DEFINITIONS) {
      const template = compileTemplate(definition);
      map.set(template.id, template);
    }
    compiled = map;
  }
  return compiled;
}

export function getTemplate(name: string, version: number): CompiledTemplate | null {
  return all().get(templateId(name, version)) ?? null;
}

/** Looks a template up by the id a tenant is pinned to, e.g. "insurance_v1". */
export function getTemplateById(id: string): CompiledTemplate | null {
  const parsed = parseTemplateId(id);
  return parsed ? getTemplate(parsed.name, parsed.version) : null;
}

/** Every template version, ordered by name then version. */
export function listTemplates(): TemplateSummary[] {
  return [...all().values()]
    .map(({ id, definition }) => ({
      id,
      name: definition.name,
      version: definition.version,
      label: definition.label,
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version - b.version);
}
