// Reads an action's case files (cases/*.json, one case or an array each) and checks every case's shape.
import { readdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { createScanner } from "jsonc-parser";
import { duplicateKeys, JSON_TOKEN, type DuplicateKey } from "../internal/duplicate-keys.js";
import { CxdaError, isCxdaError, toProblem, type Problem } from "../core/errors.js";
import type { CaseDefinition, CaseExpectation, CaseLocation } from "../core/types.js";
import { parseJsonText, readTextFile, readTextFileSync, unreadableFile } from "../internal/json-file.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { nestingDepth } from "../internal/nesting-depth.js";
import { checkRequestExpectation, checkUpstream, readUpstreamFixture } from "./case-upstream.js";

/** A case as read from disk: either a checked definition or the reason it could not be used. */
export type LoadedCase = { ok: true; case: CaseDefinition } | { ok: false; name: string; source: string; error: Problem; location?: CaseLocation };

const CASE_KEYS = ["name", "description", "payload", "set", "unset", "vars", "now", "expect", "upstream"] as const;
const EXPECT_KEYS = ["output", "match", "valid", "errors", "throws", "request"] as const;
const ERROR_KEYS = ["path", "keyword", "side"] as const;

/** The deepest nesting a case's payload, overrides, variables or expectations may have (real triggers nest a few levels). */
export const MAX_CASE_DEPTH = 256;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new CxdaError("E_CASE", `${where}: unknown key "${key}"${didYouMean(key, known)}; allowed: ${known.join(", ")}`);
    }
  }
}

function checkExpect(raw: unknown, where: string): CaseExpectation {
  if (!isObject(raw)) throw new CxdaError("E_CASE", `${where}.expect: must be an object with any of ${EXPECT_KEYS.join(", ")}`);
  unknownKeys(raw, EXPECT_KEYS, `${where}.expect`);
  if (raw.valid !== undefined && typeof raw.valid !== "boolean") throw new CxdaError("E_CASE", `${where}.expect.valid: must be true or false`);
  if (raw.throws !== undefined && typeof raw.throws !== "string")
    throw new CxdaError("E_CASE", `${where}.expect.throws: must be a string (a part of the expected message)`);
  if (raw.request !== undefined) checkRequestExpectation(raw.request, `${where}.expect.request`);
  if (raw.errors !== undefined) {
    if (!Array.isArray(raw.errors)) throw new CxdaError("E_CASE", `${where}.expect.errors: must be an array of { path, keyword, side? }`);
    raw.errors.forEach((entry: unknown, i) => {
      const at = `${where}.expect.errors[${i}]`;
      if (!isObject(entry)) throw new CxdaError("E_CASE", `${at}: must be an object { path, keyword, side? }`);
      unknownKeys(entry, ERROR_KEYS, at);
      if (typeof entry.path !== "string") throw new CxdaError("E_CASE", `${at}.path: must be a JSON Pointer string such as "/priority"`);
      if (entry.path !== "" && !entry.path.startsWith("/"))
        throw new CxdaError("E_CASE", `${at}.path: "${entry.path}" is not a JSON Pointer; write "/${entry.path.replace(/\./g, "/")}"`);
      if (typeof entry.keyword !== "string")
        throw new CxdaError("E_CASE", `${at}.keyword: must be a JSON Schema keyword such as "type" or "required"`);
      if (entry.side !== undefined && entry.side !== "input" && entry.side !== "output")
        throw new CxdaError("E_CASE", `${at}.side: must be "input" or "output"`);
    });
  }
  return raw as CaseExpectation;
}

/**
 * Checks one raw case object and returns it typed. Unknown keys are errors with a suggestion.
 * @example
 * parseCase({ name: "premium", set: { "contact.attributes.tier": "premium" }, expect: { match: { priority: "high" } } }, "cases/tier.json");
 */
export function parseCase(raw: unknown, source: string, fallbackName: string): CaseDefinition {
  if (!isObject(raw)) throw new CxdaError("E_CASE", `${source}: a case must be a JSON object`);
  const name = raw.name === undefined ? fallbackName : raw.name;
  if (typeof name !== "string" || name.trim() === "") throw new CxdaError("E_CASE", `${source}.name: must be a non-empty string`);
  const where = `${source} (case "${name}")`;
  unknownKeys(raw, CASE_KEYS, where);
  // Deeper values overflow the stack when the trigger is copied and frozen for a worker: refuse them here, by name.
  for (const key of ["payload", "set", "vars", "expect", "upstream"] as const) {
    if (nestingDepth(raw[key], MAX_CASE_DEPTH) > MAX_CASE_DEPTH) {
      throw new CxdaError("E_CASE", `${where}.${key}: nested more than ${MAX_CASE_DEPTH} levels deep; a case may nest values up to that depth`);
    }
  }
  for (const key of ["payload", "set", "vars"] as const) {
    if (raw[key] !== undefined && !isObject(raw[key])) throw new CxdaError("E_CASE", `${where}.${key}: must be an object`);
  }
  if (raw.unset !== undefined && (!Array.isArray(raw.unset) || raw.unset.some((p) => typeof p !== "string"))) {
    throw new CxdaError("E_CASE", `${where}.unset: must be an array of dotted paths such as "contact.attributes"`);
  }
  // A path nests too: a path of many segments builds a trigger as deep as a deeply nested value.
  const set = (raw.set ?? {}) as Record<string, unknown>;
  for (const path of [...Object.keys(set), ...((raw.unset as string[] | undefined) ?? [])]) {
    const depth = path.split(".").length + (Object.hasOwn(set, path) ? nestingDepth(set[path], MAX_CASE_DEPTH) : 0);
    if (depth > MAX_CASE_DEPTH)
      throw new CxdaError(
        "E_CASE",
        `${where}: the path "${path.slice(0, 80)}${path.length > 80 ? "…" : ""}" (with its value) nests more than ${MAX_CASE_DEPTH} levels deep; a case may nest values up to that depth`,
      );
  }
  if (raw.now !== undefined && (typeof raw.now !== "string" || Number.isNaN(Date.parse(raw.now)))) {
    throw new CxdaError("E_CASE", `${where}.now: must be an ISO date-time such as "2026-11-20T10:00:00Z"`);
  }
  const definition: CaseDefinition = { name, source };
  if (raw.payload !== undefined) definition.payload = raw.payload as Record<string, unknown>;
  if (raw.set !== undefined) definition.set = raw.set as Record<string, unknown>;
  if (raw.unset !== undefined) definition.unset = raw.unset as string[];
  if (raw.vars !== undefined) definition.vars = raw.vars as Record<string, unknown>;
  if (raw.now !== undefined) definition.now = raw.now as string;
  definition.expect = raw.expect === undefined ? {} : checkExpect(raw.expect, where);
  // A fixture path stays a path here; the case file loader reads it (it knows the action's folder).
  if (raw.upstream !== undefined)
    definition.upstream = typeof raw.upstream === "string" ? raw.upstream : checkUpstream(raw.upstream, `${where}.upstream`);
  return definition;
}

/** The case file names of a folder listing, in the order cases run: `*.json`, sorted. */
function caseFileNames(folder: string, listing: string[] | Error): string[] {
  if (!(listing instanceof Error)) return listing.filter((name) => name.endsWith(".json")).sort();
  const errno = (listing as NodeJS.ErrnoException).code;
  if (errno === "ENOENT") return [];
  throw new CxdaError("E_CASE", `${folder}: cannot list case files (${errno ?? String(listing)})`);
}

const TOKEN = JSON_TOKEN;

/**
 * Where each case of a parsed case file starts (1-based line and column, as an editor counts them): every element of a
 * top-level array, or the one value of the file. Read with jsonc-parser's scanner on text that `JSON.parse` already
 * accepted, in a loop (its visitor recurses, and a case nested thousands of levels deep would overflow the stack); a
 * leading byte-order mark is not counted, as editors do not show it.
 */
export function caseLocations(file: string, text: string): CaseLocation[] {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const absolute = resolve(file);
  const scanner = createScanner(clean, true);
  const starts: CaseLocation[] = [];
  let depth = 0;
  let rootIsArray = false;
  for (let token = scanner.scan(); token !== TOKEN.end; token = scanner.scan()) {
    const opens = token === TOKEN.openBrace || token === TOKEN.openBracket;
    const value = opens || (token >= TOKEN.firstLiteral && token <= TOKEN.lastLiteral);
    // A case starts at a value at the top (a file of one case) or directly inside the top array.
    if (depth === 0 && token === TOKEN.openBracket) rootIsArray = true;
    else if (value && (depth === 0 || (depth === 1 && rootIsArray))) {
      starts.push({ file: absolute, line: scanner.getTokenStartLine() + 1, column: scanner.getTokenStartCharacter() + 1 });
    }
    if (opens) depth++;
    else if (token === TOKEN.closeBrace || token === TOKEN.closeBracket) depth--;
  }
  return starts;
}

/**
 * The cases of one case file, from its text (or the error that kept it from being read): one entry per case, a bad
 * file or a bad case becoming a `{ ok: false }` entry. Shared by `loadCases` and the synchronous reader of `cxda/vitest`.
 */
export function casesFromFile(file: string, text: string | Error): LoadedCase[] {
  const shown = relative(process.cwd(), file) || file;
  const stem = basename(file, ".json");
  let raw: unknown;
  try {
    // A file that is not UTF-8 arrives as the CxdaError that says so; an errno error is made one here.
    if (text instanceof Error) throw isCxdaError(text) ? text : unreadableFile(file, text, "E_CASE");
    raw = parseJsonText(text, file, "E_CASE");
  } catch (error) {
    return [{ ok: false, name: stem, source: shown, error: toProblem(error, "E_CASE") }];
  }
  const entries = Array.isArray(raw) ? raw : [raw];
  const locations = caseLocations(file, text);
  const twice = duplicatesByCase(text, Array.isArray(raw));
  return entries.map((entry: unknown, index): LoadedCase => {
    const source = Array.isArray(raw) ? `${shown}#${index}` : shown;
    const fallback = Array.isArray(raw) ? `${stem} #${index}` : stem;
    const location = locations[index];
    try {
      const duplicate = twice.get(index);
      if (duplicate !== undefined)
        throw new CxdaError(
          "E_CASE",
          `${shown}:${duplicate.line}:${duplicate.column}: ${duplicate.path}: the key "${duplicate.key}" appears twice in this case: JSON keeps only the last, so the first is ignored; merge the two or remove one`,
          { context: { file, path: duplicate.path } },
        );
      const definition = parseCase(entry, source, fallback);
      if (typeof definition.upstream === "string")
        definition.upstream = readUpstreamFixture(file, definition.upstream, `${source} (case "${definition.name}").upstream`);
      if (location !== undefined) definition.location = location;
      return { ok: true, case: definition };
    } catch (error) {
      const named = typeof (entry as { name?: unknown } | null)?.name === "string" ? (entry as { name: string }).name : fallback;
      return { ok: false, name: named, source, error: toProblem(error, "E_CASE"), ...(location === undefined ? {} : { location }) };
    }
  });
}

/**
 * The first key written twice in each case of a file, by the case's index (its path within the case): a second
 * `expect` or `set` would otherwise replace the first without a word.
 */
function duplicatesByCase(text: string, array: boolean): Map<number, DuplicateKey> {
  const byCase = new Map<number, DuplicateKey>();
  for (const duplicate of duplicateKeys(text)) {
    const [head = "", ...rest] = duplicate.path.split("/");
    const index = array ? Number(head) : 0;
    if (!byCase.has(index)) byCase.set(index, { ...duplicate, path: array ? rest.join("/") : duplicate.path });
  }
  return byCase;
}

/**
 * Reads every `*.json` under `<actionDir>/cases/` in name order. A file that is not JSON, or a case with a bad shape,
 * becomes a `{ ok: false }` entry so the other cases still run. No `cases/` folder means no cases.
 */
export async function loadCases(actionDir: string): Promise<LoadedCase[]> {
  const folder = join(actionDir, "cases");
  const names = caseFileNames(folder, await readdir(folder).catch((error: Error) => error));
  const loaded: LoadedCase[] = [];
  for (const name of names) {
    const file = join(folder, name);
    loaded.push(...casesFromFile(file, await readTextFile(file, "E_CASE").catch((error: Error) => error)));
  }
  return loaded;
}

/** The synchronous twin of {@link loadCases} (vitest collects tests synchronously): the same order, names and errors. */
export function loadCasesSync(actionDir: string): LoadedCase[] {
  const folder = join(actionDir, "cases");
  let listing: string[] | Error;
  try {
    listing = readdirSync(folder);
  } catch (error) {
    listing = error as Error;
  }
  return caseFileNames(folder, listing).flatMap((name) => {
    const file = join(folder, name);
    let text: string | Error;
    try {
      text = readTextFileSync(file, "E_CASE");
    } catch (error) {
      text = error as Error;
    }
    return casesFromFile(file, text);
  });
}
