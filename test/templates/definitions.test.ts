import { describe, expect, it } from "vitest";
import { compileTemplate } from "../../workers/templates/compile";
import {
  RAW_TEMPLATE_DEFINITIONS,
  getTemplate,
  getTemplateById,
  listTemplates,
  parseTemplateId,
  templateId,
} from "../../workers/templates/registry";
import { TemplateDefinition } from "../../workers/templates/template.schema";

const valid = {
  name: "demo",
  version: 1,
  label: "Demo",
  guidance: "Be helpful.",
  fields: [{ key: "first_name", label: "First name", type: "string" }],
  groups: [
    {
      key: "pets",
      label: "Pets",
      itemLabel: "Pet",
      naturalKey: "name",
      fields: [
        { key: "name", label: "Name", type: "string" },
        { key: "kind", label: "Kind", type: "enum", values: ["cat", "dog"] },
      ],
    },
  ],
  bio: [{ text: "{first_name}" }, { count: { group: "pets", singular: "pet", plural: "pets" } }],
};

function nameOf(definition: unknown): string {
  return typeof definition === "object" && definition !== null && "name" in definition
    ? String(definition.name)
    : "unnamed";
}

function reasons(value: unknown): string[] {
  const result = TemplateDefinition.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => i.message);
}

describe("template definitions", () => {
  it.each(RAW_TEMPLATE_DEFINITIONS.map((d) => [nameOf(d), d]))(
    "ships a valid %s definition",
    (_name, definition) => {
      expect(reasons(definition)).toEqual([]);
    },
  );

  it("ships insurance, real estate, mortgage and medical/dental at version 1", () => {
    expect(listTemplates().map((t) => t.id)).toEqual([
      "insurance_v1",
      "medical_dental_v1",
      "mortgage_v1",
      "real_estate_v1",
    ]);
  });

  it("accepts a minimal well-formed definition", () => {
    expect(reasons(valid)).toEqual([]);
  });

  it("refuses a natural key that is not a field of its group", () => {
    const bad = structuredClone(valid);
    const group = bad.groups[0];
    if (group) group.naturalKey = "nickname";
    expect(reasons(bad)).toContain("natural key nickname is not a field of pets");
  });

  it("refuses an enum field without values", () => {
    const bad = structuredClone(valid);
    bad.fields.push({ key: "tier", label: "Tier", type: "enum" });
    expect(reasons(bad)).toContain("an enum field needs values");
  });

  it("refuses a bio placeholder that names no field", () => {
    expect(reasons({ ...valid, bio: [{ text: "{nickname}" }] })).toContain(
      "placeholder {nickname} is not a top-level field",
    );
  });

  it("refuses a bio count over a group that does not exist", () => {
    const bio = [{ count: { group: "cars", singular: "car", plural: "cars" } }];
    expect(reasons({ ...valid, bio })).toContain("group cars does not exist");
  });

  it("refuses an unknown field type", () => {
    const bad = { ...valid, fields: [{ key: "x", label: "X", type: "colour" }] };
    expect(reasons(bad).length).toBeGreaterThan(0);
  });

  it("refuses to compile a bad definition and says why", () => {
    const bad = { ...valid, bio: [{ text: "{nickname}" }] };
    expect(() => compileTemplate(bad as TemplateDefinition)).toThrow(/nickname/);
  });
});

describe("template ids", () => {
  it("parses a template id into name and version", () => {
    expect(parseTemplateId("real_estate_v1")).toEqual({ name: "real_estate", version: 1 });
    expect(parseTemplateId("insurance_v12")).toEqual({ name: "insurance", version: 12 });
  });

  it("refuses malformed template ids", () => {
    expect(parseTemplateId("insurance")).toBeNull();
    expect(parseTemplateId("insurance_v0")).toBeNull();
    expect(parseTemplateId("Insurance_v1")).toBeNull();
  });

  it("round-trips a name and version through the id", () => {
    expect(templateId("medical_dental", 1)).toBe("medical_dental_v1");
  });

  it("finds a template by name and version and compiles it once", () => {
    const first = getTemplate("insurance", 1);
    expect(first?.id).toBe("insurance_v1");
    expect(getTemplateById("insurance_v1")).toBe(first);
  });

  it("answers null for a version that does not exist", () => {
    expect(getTemplate("insurance", 99)).toBeNull();
    expect(getTemplateById("nonsense")).toBeNull();
  });
});
