// JSONPath as Genesys evaluates it (Jayway's semantics) over jsonpath-rfc9535: a definite path gives a value, an indefinite one a list.
import { query } from "jsonpath-rfc9535";
import parse from "jsonpath-rfc9535/parser";
import type { JsonValue } from "jsonpath-rfc9535";
import type { JsonPathQuery } from "jsonpath-rfc9535/parser";
import { CxdaError } from "../../../core/errors.js";
import { toRfcPath } from "./jayway-syntax.js";

type Segment = JsonPathQuery["segments"][number];

/** One step of a definite path: a member name or an array index. */
type DefiniteStep = { name: string } | { index: number };

/** A path checked and classified once, evaluated against many documents. */
export interface CompiledPath {
  /** The path as the definition wrote it. */
  source: string;
  /** The same path in RFC 9535 text (`$` added, Jayway's dotted names bracketed). */
  normalised: string;
  /** Jayway's "definite": only single names and single indexes, so at most one value. */
  definite: boolean;
  /** The parsed RFC 9535 query. */
  ast: JsonPathQuery;
  /** The leading names and indexes, up to the first indefinite segment (all of them for a definite path). */
  definiteSteps: DefiniteStep[];
}

/** What a path selects in one document. */
export interface PathResult {
  /** The path as written. */
  path: string;
  /** The path as evaluated (RFC 9535 text). */
  normalisedPath: string;
  /** True for a definite path (its value is the match itself), false for an indefinite one (its value is a list). */
  definite: boolean;
  /**
   * False when Genesys (Jayway) would say the path does not resolve, which is when a translation map default applies:
   * a definite path with no match, or any path whose leading names meet a missing member or a value that is not an
   * object or array. An indefinite path that gets that far resolves, to a list that may be empty.
   */
  found: boolean;
  /** The match (definite), the list of matches (indefinite), or `undefined` when not found. A JSON null is a value. */
  value: unknown;
  /** How many values matched. */
  matches: number;
}

/** Jayway reads an index with Java's `Integer.parseInt`, so a larger one is an invalid path there, not a miss. */
const JAVA_INT_MAX = 2 ** 31 - 1;

function definiteStep(segment: Segment): DefiniteStep | undefined {
  if (segment.type !== "ChildSegment") return undefined;
  const node = segment.node;
  if (node.type === "MemberNameShorthand") return { name: node.value };
  if (node.type !== "BracketedSelection" || node.selectors.length !== 1) return undefined;
  const selector = node.selectors[0];
  if (selector?.type === "NameSelector") return { name: selector.value };
  if (selector?.type === "IndexSelector") return { index: selector.value };
  return undefined;
}

function syntaxError(source: string, normalised: string, error: unknown): CxdaError {
  if (error instanceof RangeError) {
    return new CxdaError("E_DEFINITION", `JSONPath "${source}" nests too deeply to read. Simplify the path.`, {
      context: { path: source },
    });
  }
  const offset = (error as { location?: { start?: { offset?: number } } }).location?.start?.offset;
  const where = offset === undefined ? "" : ` at character ${offset + 1} of "${normalised}"`;
  const detail = error instanceof Error ? error.message : String(error);
  return new CxdaError(
    "E_DEFINITION",
    `JSONPath "${source}" is not valid${where}: ${detail} Check the brackets and quotes; names with spaces or dashes go in brackets: ['my name'].`,
    { cause: error, context: { path: source } },
  );
}

/** Refuses what parses in RFC 9535 but means something else, or nothing, to Genesys (Jayway). */
function checkJaywayMeaning(source: string, ast: JsonPathQuery): void {
  for (const segment of ast.segments) {
    if (segment.node.type !== "BracketedSelection") continue;
    const selectors = segment.node.selectors;
    if (selectors.length > 1 && selectors.every((s) => s.type === "NameSelector")) {
      // Jayway merges ['a','b'] into one object holding a and b; RFC 9535 lists the two values.
      throw new CxdaError(
        "E_DEFINITION",
        `JSONPath "${source}": a list of names ['a','b'] gives one merged object in Genesys (Jayway) and two values in RFC 9535; cxda does not support it offline. Map each name under its own key.`,
        { context: { path: source } },
      );
    }
    for (const selector of selectors) {
      if (selector.type === "IndexSelector" && Math.abs(selector.value) > JAVA_INT_MAX) {
        throw new CxdaError(
          "E_DEFINITION",
          `JSONPath "${source}": the index ${selector.value} is beyond what Genesys (Jayway, a Java int) can read. Use an index below ${JAVA_INT_MAX + 1}.`,
          { context: { path: source } },
        );
      }
    }
  }
}

/**
 * Checks a path as Genesys reads it and classifies it; throws a CxdaError (`E_DEFINITION`) naming the path for a path
 * that is not valid, or that uses Jayway-only syntax cxda does not run (functions such as `.length()`, filter operators
 * such as `=~`, `in`, `size`, `empty`).
 * @example
 * compilePath("$.results[0].data..qualifier").definite; // false
 */
export function compilePath(source: string): CompiledPath {
  const normalised = toRfcPath(source);
  let ast: JsonPathQuery;
  try {
    ast = parse(normalised);
  } catch (error) {
    throw syntaxError(source, normalised, error);
  }
  checkJaywayMeaning(source, ast);
  const definiteSteps: DefiniteStep[] = [];
  for (const segment of ast.segments) {
    const step = definiteStep(segment);
    if (step === undefined) break;
    definiteSteps.push(step);
  }
  return { source, normalised, definite: definiteSteps.length === ast.segments.length, ast, definiteSteps };
}

type Walk = { kind: "value"; value: unknown } | { kind: "missing" } | { kind: "out-of-range" };

/**
 * Follows names and indexes the way Jayway does on its definite part: a missing member, or a name on something that
 * is not an object (null included), or an index on something that is not an array, is a PathNotFoundException (the
 * path does not resolve); an index past the end is skipped silently (`PathToken.handleArrayIndex`).
 */
function walk(document: unknown, steps: readonly DefiniteStep[]): Walk {
  let current = document;
  for (const step of steps) {
    if ("name" in step) {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return { kind: "missing" };
      if (!Object.prototype.hasOwnProperty.call(current, step.name)) return { kind: "missing" };
      current = (current as Record<string, unknown>)[step.name];
    } else {
      if (!Array.isArray(current)) return { kind: "missing" };
      const at = step.index < 0 ? current.length + step.index : step.index;
      if (at < 0 || at >= current.length) return { kind: "out-of-range" };
      current = current[at];
    }
  }
  return { kind: "value", value: current };
}

/**
 * Evaluates an already compiled path against a document.
 * @example
 * evaluateCompiled({ a: null }, compilePath("$.a")); // { found: true, value: null, … }
 */
export function evaluateCompiled(document: unknown, compiled: CompiledPath): PathResult {
  const base = { path: compiled.source, normalisedPath: compiled.normalised, definite: compiled.definite };
  const prefix = walk(document, compiled.definiteSteps);
  if (compiled.definite) {
    // Jayway: a definite path with no result throws PathNotFoundException, so Genesys falls back to the default.
    if (prefix.kind !== "value") return { ...base, found: false, value: undefined, matches: 0 };
    return { ...base, found: true, value: prefix.value, matches: 1 };
  }
  if (prefix.kind === "missing") return { ...base, found: false, value: undefined, matches: 0 };
  if (prefix.kind === "out-of-range") return { ...base, found: true, value: [], matches: 0 };
  // The library never mutates the document; its JsonValue type is only what it can meet in parsed JSON.
  const values = query(document as JsonValue, compiled.normalised);
  return { ...base, found: true, value: values, matches: values.length };
}

/**
 * Evaluates a translation-map path as Genesys does (Jayway's semantics, which Genesys runs; its documentation at
 * https://help.mypurecloud.com/articles/response-configuration-data-actions/ says only that translation maps hold
 * JSONPath expressions). A definite path (names and single indexes only) yields its value, or not found; an
 * indefinite one (`..`, `*`, filters, slices, unions) yields the list of its matches. A path without `$` is read as
 * Jayway reads it (`foo.bar` is `$.foo.bar`, `['a']` is `$['a']`).
 *
 * Known differences from Jayway, not emulated: `..` lists matches in the library's order, which for members of
 * different objects may differ from Jayway's depth-first document order (items of one array keep their order); a
 * filter applied to an object tests its member values (RFC 9535), where Jayway tests the object itself; Jayway's
 * filters compare `'1' == 1` as equal, RFC 9535 does not.
 * @throws CxdaError `E_DEFINITION` for a path that is not valid or uses Jayway-only syntax (see {@link compilePath}).
 * @example
 * evaluatePath({ items: [{ id: 1 }, { id: 2 }] }, "$.items[*].id"); // { definite: false, found: true, value: [1, 2], matches: 2, … }
 * evaluatePath({ items: [] }, "items[0].id"); // { definite: true, found: false, value: undefined, matches: 0, … }
 */
export function evaluatePath(document: unknown, path: string): PathResult {
  return evaluateCompiled(document, compilePath(path));
}
