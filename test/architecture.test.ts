// The shape of src/ that review alone does not keep: no function longer than 150 lines, no two folders that import each
// other. Read with TypeScript's own parser, so the rules see what the compiler sees.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/temp-project.js";

const SRC = join(REPO_ROOT, "src");
const MAX_FUNCTION_LINES = 150;

/** The TypeScript sources of src/, tests left out. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** The folder of src/ a file belongs to (`executor`), or "" for a file at the top. */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split("/");
  return parts.length > 1 ? parts[0]! : "";
}

describe("the shape of src/", () => {
  it(`has no function longer than ${MAX_FUNCTION_LINES} lines`, () => {
    const long: string[] = [];
    for (const file of sources()) {
      const source = parse(file);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
          const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > MAX_FUNCTION_LINES) {
            const name = node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : "(anonymous)";
            long.push(`${relative(REPO_ROOT, file)}:${start + 1} ${name}: ${end - start + 1} lines`);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });

  it("has no two folders that import each other, directly or through others", () => {
    const edges = new Map<string, Set<string>>();
    for (const file of sources()) {
      const from = folderOf(file);
      for (const statement of parse(file).statements) {
        if (!ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement)) continue;
        // Types only cost nothing at run time, but they tie the folders together all the same: they count.
        const specifier = statement.moduleSpecifier;
        if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
        const to = folderOf(resolve(dirname(file), specifier.text));
        if (to === from || from === "" || to === "") continue;
        if (!edges.has(from)) edges.set(from, new Set());
        edges.get(from)!.add(to);
      }
    }
    // Folders that reach each other: a cycle in the graph of folder imports.
    const reaches = (from: string, to: string): boolean => {
      const seen = new Set<string>();
      const stack = [from];
      while (stack.length > 0) {
        const at = stack.pop()!;
        for (const next of edges.get(at) ?? []) {
          if (next === to) return true;
          if (!seen.has(next)) {
            seen.add(next);
            stack.push(next);
          }
        }
      }
      return false;
    };
    const cycles: string[] = [];
    for (const [from, targets] of edges) for (const to of targets) if (reaches(to, from)) cycles.push(`${from} → ${to} → … → ${from}`);
    expect(cycles.sort()).toEqual([]);
  });
});
