// Where a place inside a template is in the definition file: the template is a JSON string, its escapes (\n, \", \u…)
// counted, so that `file:line:column` opens the editor on the reference itself.
import { findNodeAtLocation, parseTree, type Node } from "jsonc-parser";
import { positionOf } from "../internal/json-file.js";

/** A 1-based line and column in a file. */
export interface FilePosition {
  line: number;
  column: number;
}

/** Finds positions in one file's text; parse once, ask many times. */
export type PositionFinder = (pointer: readonly string[], templateLine?: number, templateColumn?: number) => FilePosition | undefined;

/** The offset in `template` of a 1-based line and column, lines ending as the template renderer splits them. */
function templateOffset(template: string, line: number, column: number): number {
  let offset = 0;
  for (let at = 1; at < line; at++) {
    const match = /\r\n|\r|\n/.exec(template.slice(offset));
    if (match === null) return template.length;
    offset += match.index + match[0].length;
  }
  return Math.min(template.length, offset + column - 1);
}

/** The offset in the raw JSON string literal (quotes excluded) of the `index`-th character of its value. */
function rawOffset(raw: string, index: number): number {
  let at = 0;
  for (let decoded = 0; decoded < index && at < raw.length; decoded++) at += raw[at] !== "\\" ? 1 : raw[at + 1] === "u" ? 6 : 2;
  return at;
}

/**
 * A finder over a JSON file's text: for a path of keys (`["config", "request", "requestTemplate"]`), the position of
 * the key, or, given a line and column inside the template string, of that character in the file. A path that is not
 * in the file (a default template, a file that changed) gives the nearest enclosing key that is.
 * @example
 * createPositionFinder('{"config":{"request":{"requestTemplate":"{\\n  \\"a\\": ${x}"}}}')(["config", "request", "requestTemplate"], 2, 9);
 * // { line: 1, column: 52 }
 */
export function createPositionFinder(text: string): PositionFinder {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let root: Node | undefined;
  try {
    root = parseTree(clean);
  } catch {
    // A file nested deeper than the stack allows gets no positions.
    root = undefined;
  }
  return (pointer, templateLine, templateColumn) => {
    if (root === undefined) return undefined;
    for (let length = pointer.length; length > 0; length--) {
      const node = findNodeAtLocation(root, [...pointer.slice(0, length)]);
      if (node === undefined) continue;
      if (length === pointer.length && templateLine !== undefined && node.type === "string" && typeof node.value === "string") {
        const index = templateOffset(node.value, templateLine, templateColumn ?? 1);
        return positionOf(clean, node.offset + 1 + rawOffset(clean.slice(node.offset + 1, node.offset + node.length - 1), index));
      }
      // The key, where an editor shows the name.
      return positionOf(clean, node.parent?.type === "property" ? node.parent.offset : node.offset);
    }
    return undefined;
  };
}
