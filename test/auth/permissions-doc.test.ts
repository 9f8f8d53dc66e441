import { describe, expect, it } from "vitest";
import doc from "../../docs/PERMISSIONS.md?raw";
import { ACTIONS, PERMISSIONS, permissionsMarkdownTable } from "../../workers/auth/permissions";

function documentedTable(markdown: string): string {
  const match = /<!-- permissions:begin -->\n([\s\S]*?)\n<!-- permissions:end -->/.exec(markdown);
  return match?.[1] ?? "";
}

/** Table rows as trimmed cells, minus the separator row: prettier may re-pad the columns. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .filter((row) => !/^\|[\s:|-]+\|$/.test(row))
    .map((row) =>
      row
        .replace(/^\||\|$/g, "")
        .split("|")
        .map((cell) => cell.trim()),
    );
}

describe("docs/PERMISSIONS.md", () => {
  it("shows exactly the permission matrix the code enforces", () => {
    // On failure, paste the expected table between the markers in docs/PERMISSIONS.md.
    expect(cells(documentedTable(doc))).toEqual(cells(permissionsMarkdownTable()));
  });

  it("lists every action of the code", () => {
    for (const action of ACTIONS) expect(doc).toContain(`\`${action}\``);
  });

  it("never lets the support view write tenant data", () => {
    for (const action of ACTIONS) {
      const roles: readonly string[] = PERMISSIONS[action].roles;
      const isTenantWrite = !action.startsWith("platform.") && !action.endsWith(".read");
      if (isTenantWrite) expect(roles, action).not.toContain("platform_admin");
    }
  });
});
