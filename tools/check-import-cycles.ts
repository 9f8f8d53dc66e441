/**
 * Fails when modules under the given folders (default: workers, durable-objects) import each
 * other in a loop, and prints each loop. Part of `npm test`.
 *
 * Every import counts, `import type` included: a type-only loop is erased at run time, but it
 * still means neither module can be read or changed without the other (the Env type used to
 * import the call object's class, which imports Env). Written on the TypeScript parser we
 * already have rather than adding madge and its dependency tree; it follows relative
 * specifiers only, which is all the Worker uses between its own files.
 *
 *   npx tsx tools/check-import-cycles.ts [folder ...]
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..");
const folders = process.argv.length > 2 ? process.argv.slice(2) : ["workers", "durable-objects"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The module specifiers of a file: imports, re-exports, `import()` and `typeof import()`. */
function specifiersOf(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) specifiers.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      specifiers.push(node.arguments[0].text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      specifiers.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return specifiers;
}

function resolve(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    if (known.has(candidate)) return candidate;
  }
  // A file outside the checked folders (or not TypeScript): it cannot close a loop here.
  return null;
}

const files = folders.flatMap((folder) => sourceFiles(path.join(root, folder))).sort();
const known = new Set(files);
const edges = new Map<string, string[]>();
for (const file of files) {
  const targets = specifiersOf(file)
    .map((s) => resolve(file, s, known))
    .filter((t): t is string => t !== null);
  edges.set(file, [...new Set(targets)].sort());
}

// Tarjan's strongly connected components: every component of more than one module (or a module
// importing itself) contains a loop.
let index = 0;
const indexOf = new Map<string, number>();
const lowLink = new Map<string, number>();
const stack: string[] = [];
const onStack = new Set<string>();
const components: string[][] = [];

function connect(v: string): void {
  indexOf.set(v, index);
  lowLink.set(v, index);
  index += 1;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!indexOf.has(w)) {
      connect(w);
      lowLink.set(v, Math.min(lowLink.get(v) ?? 0, lowLink.get(w) ?? 0));
    } else if (onStack.has(w)) {
      lowLink.set(v, Math.min(lowLink.get(v) ?? 0, indexOf.get(w) ?? 0));
    }
  }
  if (lowLink.get(v) === indexOf.get(v)) {
    const component: string[] = [];
    let w: string | undefined;
    do {
      w = stack.pop();
      if (w === undefined) break;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const selfLoop = (edges.get(v) ?? []).includes(v);
    if (component.length > 1 || selfLoop) components.push(component.sort());
  }
}
for (const file of files) if (!indexOf.has(file)) connect(file);

/** One loop through `start` inside its component, for the report. */
function loopThrough(start: string, members: ReadonlySet<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    if (v === undefined) break;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const back: string[] = [];
        for (
          let at: string | undefined = v;
          at !== undefined && at !== start;
          at = previous.get(at)
        ) {
          back.push(at);
        }
        return [start, ...back.reverse(), start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

const rel = (file: string): string => path.relative(root, file);
if (components.length === 0) {
  console.log(`no import cycles in ${folders.join(", ")} (${files.length} modules)`);
} else {
  for (const component of components) {
    const first = component[0];
    if (first === undefined) continue;
    console.error(`import cycle: ${loopThrough(first, new Set(component)).map(rel).join(" → ")}`);
  }
  console.error(`${components.length} import cycle(s) in ${folders.join(", ")}`);
  process.exit(1);
}
