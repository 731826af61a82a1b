// Where a JSON path sits in a file's text (1-based line and column, as editors count them), read with jsonc-parser.
import { parseTree, type Node } from "jsonc-parser";

/** A 1-based line and column. */
export interface TextPosition {
  line: number;
  column: number;
}

/** The member of `node` (an object or an array) named by one path segment, as the node of its property or element. */
function step(node: Node, segment: string): Node | undefined {
  if (node.type === "object") {
    // The property node (key and value), so a position points at the key, where an editor shows the name.
    return node.children?.find((property) => property.children?.[0]?.value === segment);
  }
  if (node.type === "array" && /^(0|[1-9]\d*)$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/**
 * Finds each slash path (JSON Pointer escaping, no leading slash: `outputSchema/properties/a~1b/minLenght`) in the text
 * of a JSON file, parsed once, and gives the position of the key it ends at (or of the element, for an index). A path
 * that is not in the text (the file changed, or the path is not a JSON path) has no position.
 * @example
 * jsonPositions('{\n  "inputShema": {}\n}', ["inputShema"]).get("inputShema"); // { line: 2, column: 3 }
 */
export function jsonPositions(text: string, paths: readonly string[]): Map<string, TextPosition> {
  // Editors do not show a byte-order mark, so columns are counted without it.
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const found = new Map<string, TextPosition>();
  let root: Node | undefined;
  try {
    root = parseTree(clean);
  } catch (error) {
    // jsonc-parser recurses: a file nested deeper than the stack allows gets no positions, not a crash.
    if (error instanceof RangeError) return found;
    throw error;
  }
  if (root === undefined) return found;
  for (const path of paths) {
    let node: Node | undefined = root;
    for (const raw of path.split("/")) {
      const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
      // A property node holds [key, value]: continue from its value.
      const container: Node | undefined = node?.type === "property" ? node.children?.[1] : node;
      node = container === undefined ? undefined : step(container, segment);
      if (node === undefined) break;
    }
    if (node !== undefined && path !== "") found.set(path, positionOf(clean, node.offset));
  }
  return found;
}

/** The 1-based line and column of `offset` in `text`. */
function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
