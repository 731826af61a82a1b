// Expected-versus-actual diffs of failed output expectations: a line diff of stable pretty JSON, changed characters marked.
import { createRequire } from "node:module";
import type * as JsDiff from "diff";
import type { CaseFailure } from "../core/types.js";
import { escapeControls } from "../internal/control-characters.js";
import { isRecord } from "../internal/json-data.js";

// jsdiff is loaded at the first diff, not with the reporters: most runs print none, and importing it takes 13-28 ms
// in a fresh process (`node -e "import('diff')"`). Its CommonJS build loads synchronously, so the functions that draw
// diffs stay synchronous.
let jsdiff: typeof JsDiff | undefined;
const loadJsDiff = (): typeof JsDiff => (jsdiff ??= createRequire(import.meta.url)("diff") as typeof JsDiff);

/** The styles a diff paints with: the line colours, inverse for changed characters, dim for elisions. */
export type DiffStyle = "red" | "green" | "dim" | "inverse";

/** Options of {@link valueDiffLines}. */
export interface ValueDiffOptions {
  /**
   * Paints a part of a line; without it (or when it returns text unchanged: no colour) the changed characters are
   * marked by a caret line under each changed line instead.
   * @default no colour
   * @example (style, text) => paint(terminal, style, text)
   */
  paint?: (style: DiffStyle, text: string) => string;
  /**
   * Unchanged lines kept around each change; longer unchanged runs are elided.
   * @default 3
   */
  context?: number;
  /**
   * The most lines the diff body may have; the rest is counted, not shown.
   * @default 60
   */
  maxLines?: number;
  /**
   * The widest line, in characters; a longer changed line is shown as a window around its first change.
   * @default 120
   */
  maxWidth?: number;
}

/** A run of characters of one side of a string diff, `changed` when the other side does not have it. */
export interface DiffSegment {
  text: string;
  changed: boolean;
}

/**
 * Bounds that keep a huge value's diff quick: lines are cut at MAX_LINE_LENGTH; after the common start and end are set
 * aside, at most MAX_CHANGED_LINES of each side are diffed; beyond MAX_LINE_EDITS (MAX_CHAR_EDITS) edits jsdiff gives
 * up, and the lines (characters) are shown as wholly changed.
 */
const MAX_CHANGED_LINES = 2_000;
const MAX_LINE_LENGTH = 5_000;
const MAX_LINE_EDITS = 200;
const MAX_CHAR_EDITS = 400;

/** A copy of `value` whose objects have their keys sorted, so two values' JSON differs only where the data does. */
function sortedKeys(value: unknown, depth = 0): unknown {
  if (depth > 256) return value;
  if (Array.isArray(value)) return value.map((item) => sortedKeys(item, depth + 1));
  if (!isRecord(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortedKeys(value[key], depth + 1);
  return sorted;
}

/**
 * The lines a value is compared by: a one-line string as its JSON literal (quotes show where it starts and ends),
 * a multi-line string as its lines, anything else as pretty JSON with sorted keys, `(missing)` for undefined.
 */
function linesOf(value: unknown): string[] {
  if (value === undefined) return ["(missing)"];
  let text: string;
  if (typeof value === "string") {
    if (value.includes("\n")) return capLines(value.split("\n"));
    text = JSON.stringify(value);
  } else {
    try {
      text = JSON.stringify(sortedKeys(value), null, 2) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return capLines(text.split("\n"));
}

function capLines(lines: string[]): string[] {
  return lines.map((line) =>
    line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)}… (${line.length - MAX_LINE_LENGTH} more characters)` : line,
  );
}

function capChanged(lines: string[]): string[] {
  return lines.length > MAX_CHANGED_LINES
    ? [...lines.slice(0, MAX_CHANGED_LINES), `… ${lines.length - MAX_CHANGED_LINES} more lines not compared`]
    : lines;
}

/**
 * The two sides of a character diff of `expected` and `actual`, each as segments with its changed runs marked. Short
 * unchanged runs between two changes count as changed, so `billing` → `shipping` reads as one change, not four.
 * @example
 * stringDiffSegments("CUST-4412", "CUST-4413").actual; // [{ text: "CUST-441", changed: false }, { text: "3", changed: true }]
 */
export function stringDiffSegments(expected: string, actual: string): { expected: DiffSegment[]; actual: DiffSegment[] } {
  const changes =
    expected === actual
      ? [{ value: expected, added: false, removed: false }]
      : loadJsDiff().diffChars(expected, actual, { maxEditLength: MAX_CHAR_EDITS });
  if (changes === undefined) return { expected: [{ text: expected, changed: true }], actual: [{ text: actual, changed: true }] };
  const left: DiffSegment[] = [];
  const right: DiffSegment[] = [];
  const push = (side: DiffSegment[], text: string, changed: boolean): void => {
    if (text === "") return;
    const last = side[side.length - 1];
    if (last !== undefined && last.changed === changed) last.text += text;
    else side.push({ text, changed });
  };
  changes.forEach((change, index) => {
    if (change.removed) push(left, change.value, true);
    else if (change.added) push(right, change.value, true);
    else {
      // A run of one or two characters between two changes is noise: fold it into the change on both sides.
      const between = index > 0 && index < changes.length - 1 && [...change.value].length <= 2;
      push(left, change.value, between);
      push(right, change.value, between);
    }
  });
  return { expected: left, actual: right };
}

function width(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** The columns [from, to) of segments. */
function slice(segments: DiffSegment[], from: number, to: number): DiffSegment[] {
  const out: DiffSegment[] = [];
  let column = 0;
  for (const segment of segments) {
    const chars = [...segment.text];
    const start = Math.max(from - column, 0);
    const end = Math.min(to - column, chars.length);
    if (end > start) out.push({ text: chars.slice(start, end).join(""), changed: segment.changed });
    column += chars.length;
  }
  return out;
}

/** Cuts segments to their first `head` columns and the columns [from, to), with `…` where something was left out. */
function clip(segments: DiffSegment[], head: number, from: number, to: number): DiffSegment[] {
  const total = width(segments.map((s) => s.text).join(""));
  const gap: DiffSegment = { text: "…", changed: false };
  return [...slice(segments, 0, head), ...(from > head ? [gap] : []), ...slice(segments, Math.max(from, head), to), ...(total > to ? [gap] : [])];
}

/** A JSON line's indentation and key (`    "customerId": `), kept when a long line is cut so the reader knows whose value it is. */
const JSON_KEY = /^\s*"(?:[^"\\]|\\.)*": /;

/** Escapes what a terminal would act on, in every segment (after diffing, so the diff is of the real characters). */
function shownSegments(segments: DiffSegment[]): DiffSegment[] {
  return segments.map((segment) => ({ text: escapeControls(segment.text), changed: segment.changed }));
}

interface Painter {
  paint: (style: DiffStyle, text: string) => string;
  color: boolean;
}

/** One side of a changed line, and under it (without colour) a caret line marking its changed characters. */
function sideLines(sign: "-" | "+", segments: DiffSegment[], painter: Painter): string[] {
  const style = sign === "-" ? "green" : "red";
  if (painter.color) {
    const body = segments.map((s) => (s.changed ? painter.paint("inverse", s.text) : s.text)).join("");
    return [painter.paint(style, `${sign} ${body}`)];
  }
  const line = `${sign} ${segments.map((s) => s.text).join("")}`;
  if (!segments.some((s) => s.changed) || segments.every((s) => s.changed)) return [line.trimEnd()];
  const carets = segments.map((s) => (s.changed ? "^" : " ").repeat(width(s.text))).join("");
  return [line, `  ${carets}`.trimEnd()];
}

/** A removed line and the added line that replaces it, their changed characters marked, both cut to one window. */
function pairedLines(removed: string, added: string, painter: Painter, maxWidth: number): string[] {
  const sides = stringDiffSegments(removed, added);
  let left = shownSegments(sides.expected);
  let right = shownSegments(sides.actual);
  const longest = Math.max(width(left.map((s) => s.text).join("")), width(right.map((s) => s.text).join("")));
  if (longest > maxWidth) {
    // The unchanged start is the same on both sides, so one window keeps the two lines aligned.
    const first = left[0]?.changed === false ? width(left[0].text) : 0;
    const key = JSON_KEY.exec(left[0]?.changed === false ? left[0].text : "")?.[0] ?? "";
    const head = width(key) <= maxWidth / 2 && width(key) <= first ? width(key) : 0;
    const from = Math.max(head, first - Math.floor(maxWidth / 3));
    const to = from + maxWidth - head;
    left = clip(left, head, from, to);
    right = clip(right, head, from, to);
  }
  return [...sideLines("-", left, painter), ...sideLines("+", right, painter)];
}

function wholeLine(sign: "-" | "+" | " ", text: string, painter: Painter, maxWidth: number): string {
  const shown = escapeControls(width(text) > maxWidth ? `${[...text].slice(0, maxWidth).join("")}…` : text);
  if (sign === " ") return `  ${shown}`.trimEnd();
  return painter.paint(sign === "-" ? "green" : "red", `${sign} ${shown}`);
}

type LineOp = { kind: " " | "-" | "+"; text: string };

/** Renders a run of removed then added lines: pairs are marked character by character, the rest whole. */
function changeBlock(removed: string[], added: string[], painter: Painter, maxWidth: number): string[] {
  const pairs = removed.length === added.length ? removed.length : 0;
  const lines: string[] = [];
  if (pairs > 0) {
    // Same-sized runs are edits of the same lines: show each removed line right above the line that replaced it.
    for (let i = 0; i < pairs; i++) lines.push(...pairedLines(removed[i]!, added[i]!, painter, maxWidth));
    return lines;
  }
  for (const text of removed) lines.push(wholeLine("-", text, painter, maxWidth));
  for (const text of added) lines.push(wholeLine("+", text, painter, maxWidth));
  return lines;
}

/** The line operations turning `expected` into `actual`, or undefined when they differ in too many places to diff. */
function lineOps(expected: string[], actual: string[]): LineOp[] | undefined {
  // The common start and end are set aside first: cheap, and what stays to diff is only the part that changed.
  let start = 0;
  while (start < expected.length && start < actual.length && expected[start] === actual[start]) start++;
  let end = 0;
  while (end < expected.length - start && end < actual.length - start && expected[expected.length - 1 - end] === actual[actual.length - 1 - end])
    end++;
  const changes = loadJsDiff().diffArrays(
    capChanged(expected.slice(start, expected.length - end)),
    capChanged(actual.slice(start, actual.length - end)),
    {
      maxEditLength: MAX_LINE_EDITS,
    },
  );
  if (changes === undefined) return undefined;
  const same = (text: string): LineOp => ({ kind: " ", text });
  return [
    ...expected.slice(0, start).map(same),
    ...changes.flatMap((change) => change.value.map((text): LineOp => ({ kind: change.added ? "+" : change.removed ? "-" : " ", text }))),
    ...expected.slice(expected.length - end).map(same),
  ];
}

function renderOps(ops: LineOp[], painter: Painter, options: Required<Omit<ValueDiffOptions, "paint">>): string[] {
  const body: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (body.length > options.maxLines) {
      // Enough to read: the rest is counted, not rendered (rendering marks every changed character).
      const left = ops.slice(i).filter((op) => op.kind !== " ").length;
      if (left > 0) body.push(painter.paint("dim", `  … ${left} more changed line${left === 1 ? "" : "s"}`));
      break;
    }
    if (ops[i]!.kind === " ") {
      let end = i;
      while (end < ops.length && ops[end]!.kind === " ") end++;
      const run = ops.slice(i, end).map((op) => op.text);
      const keepBefore = i === 0 ? 0 : options.context;
      const keepAfter = end === ops.length ? 0 : options.context;
      if (run.length > keepBefore + keepAfter + 1) {
        body.push(...run.slice(0, keepBefore).map((text) => wholeLine(" ", text, painter, options.maxWidth)));
        body.push(painter.paint("dim", `  … ${run.length - keepBefore - keepAfter} unchanged lines`));
        body.push(...run.slice(run.length - keepAfter).map((text) => wholeLine(" ", text, painter, options.maxWidth)));
      } else body.push(...run.map((text) => wholeLine(" ", text, painter, options.maxWidth)));
      i = end;
      continue;
    }
    const removed: string[] = [];
    const added: string[] = [];
    while (i < ops.length && ops[i]!.kind !== " ") {
      const op = ops[i++]!;
      (op.kind === "-" ? removed : added).push(op.text);
    }
    body.push(...changeBlock(removed, added, painter, options.maxWidth));
  }
  return body;
}

/**
 * The lines of a `- expected / + actual` diff of two values (no indentation; the caller indents). Objects and arrays
 * are compared as pretty JSON with sorted keys, so only real differences show, with long unchanged runs elided;
 * strings and changed lines have their changed characters marked (inverse in colour, else a caret line). Everything
 * shown passes through `escapeControls`; redact the values before. The diff is bounded whatever the values' size.
 * @example
 * valueDiffLines({ priority: "high" }, { priority: "standard" });
 * // ["- expected", "+ actual", "", "  {", '-   "priority": "high"', "                ^^^^", '+   "priority": "standard"', …]
 */
export function valueDiffLines(expected: unknown, actual: unknown, options: ValueDiffOptions = {}): string[] {
  const paint = options.paint ?? ((_style: DiffStyle, text: string) => text);
  const painter: Painter = { paint, color: paint("red", "x") !== "x" };
  const settings = { context: options.context ?? 3, maxLines: options.maxLines ?? 60, maxWidth: Math.max(options.maxWidth ?? 120, 20) };
  const left = linesOf(expected);
  const right = linesOf(actual);
  const ops = lineOps(left, right);
  const body =
    ops === undefined
      ? [
          painter.paint("dim", "  (too many changes to diff line by line; the start of each side)"),
          ...left.slice(0, 10).map((text) => wholeLine("-", text, painter, settings.maxWidth)),
          ...right.slice(0, 10).map((text) => wholeLine("+", text, painter, settings.maxWidth)),
        ]
      : ops.every((op) => op.kind === " ")
        ? // Elided, such a diff would be one "… N unchanged lines": say why there is nothing to see instead.
          [painter.paint("dim", "  (both sides print the same: they differ only in what is not shown, such as a redacted secret-looking value)")]
        : renderOps(ops, painter, settings);
  const shown =
    body.length > settings.maxLines
      ? [...body.slice(0, settings.maxLines), painter.paint("dim", `  … ${body.length - settings.maxLines} more lines of diff`)]
      : body;
  return [painter.paint("green", "- expected"), painter.paint("red", "+ actual"), "", ...shown];
}

function pointerTokens(path: string): string[] {
  if (path === "" || path === "/") return [];
  return path
    .slice(1)
    .split("/")
    .map((token) => token.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * What the output would have been had it met its expectation: a copy of `actual` with each failure's expected value put
 * at its path (removed where the expectation has none). Diffed against `actual`, it shows every failed `output`/`match`
 * difference in one diff, in the context of the whole output.
 * @example
 * expectedView({ a: 1, b: 2 }, [{ expectation: "match", message: "", path: "/b", expected: 3, actual: 2 }]); // { a: 1, b: 3 }
 */
export function expectedView(actual: unknown, failures: CaseFailure[]): unknown {
  // Only the containers on a failure's path are copied (shallowly): the rest is shared with `actual`, which is never
  // changed. A whole clone (structuredClone) overflowed the stack on an output a few thousand levels deep, and the diff
  // then showed the output against itself, with no difference in it.
  let view: unknown = actual;
  const copies = new Set<unknown>();
  const copyOf = (value: unknown): unknown => {
    if (copies.has(value)) return value;
    const copy = Array.isArray(value) ? [...(value as unknown[])] : isRecord(value) ? { ...value } : value;
    copies.add(copy);
    return copy;
  };
  for (const failure of failures) {
    if (failure.path === undefined) continue;
    const tokens = pointerTokens(failure.path);
    if (tokens.length === 0) {
      view = failure.expected;
      copies.clear();
      continue;
    }
    view = copyOf(view);
    let parent: unknown = view;
    for (const token of tokens.slice(0, -1)) {
      const key = Array.isArray(parent) ? Number(token) : token;
      if (!Array.isArray(parent) && !isRecord(parent)) break;
      const container = parent as Record<string | number, unknown>;
      const child = container[key];
      if (!Array.isArray(child) && !isRecord(child)) {
        parent = undefined;
        break;
      }
      container[key] = copyOf(child);
      parent = container[key];
    }
    const last = tokens[tokens.length - 1]!;
    if (Array.isArray(parent)) parent[Number(last)] = failure.expected;
    else if (isRecord(parent)) {
      if (failure.expected === undefined) delete parent[last];
      else parent[last] = failure.expected;
    }
  }
  return view;
}
