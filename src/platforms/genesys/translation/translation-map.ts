// The translation-map step of a Genesys declarative action: each key's JSONPath over the upstream response, its default, and its JSON text for the success template.
import { isCxdaError, type Problem } from "../../../core/errors.js";
import { compilePath, evaluateCompiled } from "./json-path.js";

/** What one translation-map key gave: the trace's row for it. */
export interface TranslationEntry {
  /** The translation-map key (the name the success template uses: `${key}`). */
  key: string;
  /** The JSONPath as the definition wrote it. */
  path: string;
  /** The path as evaluated (RFC 9535 text), when it could be read. */
  normalisedPath?: string;
  /** Jayway's "definite" (one value) or not (a list), when the path could be read. */
  definite?: boolean;
  /** How many values the path matched. */
  matches: number;
  /** Whether the path resolved (see `PathResult.found`). */
  found: boolean;
  /** Whether the value is the key's `translationMapDefaults` entry. */
  usedDefault: boolean;
  /** The value the key holds, when it holds one (resolved, or its default). A JSON null is a value. */
  value?: unknown;
  /** The value as JSON text, which is how it enters the success template. */
  json?: string;
  /** What went wrong for this key (a bad path, a default that is not JSON, nothing resolved and no default). */
  problem?: Problem;
}

/** The translation-map step's result: one entry per key, in the map's order, and their problems. */
export interface TranslationResult {
  entries: TranslationEntry[];
  /** The problems of all entries, for a quick check. */
  problems: Problem[];
}

function problemOf(error: unknown, path: string): Problem {
  if (isCxdaError(error)) return { code: error.code, message: error.message, path };
  return { code: "E_DEFINITION", message: `JSONPath "${path}": ${String(error)}`, path };
}

/** Reads a default: Genesys keeps `translationMapDefaults` values as strings holding JSON text (`"\"UNKNOWN\""`, `"[]"`). */
function readDefault(key: string, text: unknown): { value: unknown } | { problem: Problem } {
  const where = `config.response.translationMapDefaults.${key}`;
  if (typeof text !== "string") {
    return {
      problem: {
        code: "E_DEFINITION",
        message: `${where} is ${JSON.stringify(text)}, not a string: a default is JSON text in a string, e.g. "\\"UNKNOWN\\"" for a string or "0" for a number.`,
        path: where,
      },
    };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return {
      problem: {
        code: "E_DEFINITION",
        message: `${where} is ${JSON.stringify(text)}, which is not JSON. A default is JSON text: write ${JSON.stringify(JSON.stringify(text))} for the string ${JSON.stringify(text)}.`,
        path: where,
      },
    };
  }
}

/** JSON text of a value, or a problem for one nested too deeply to write (the stack would overflow). */
function toJsonText(key: string, value: unknown): { json: string } | { problem: Problem } {
  try {
    return { json: JSON.stringify(value) ?? "null" };
  } catch (error) {
    return {
      problem: {
        code: "E_OUTPUT",
        message: `translation map key "${key}": its value cannot be written as JSON (${error instanceof Error ? error.message : String(error)}). Map a less deeply nested part of the response.`,
        path: key,
      },
    };
  }
}

function entryFor(response: unknown, key: string, path: string, defaultText: unknown, hasDefault: boolean): TranslationEntry {
  let compiled;
  try {
    compiled = compilePath(path);
  } catch (error) {
    return { key, path, matches: 0, found: false, usedDefault: false, problem: problemOf(error, path) };
  }
  const result = evaluateCompiled(response, compiled);
  const entry: TranslationEntry = {
    key,
    path,
    normalisedPath: compiled.normalised,
    definite: compiled.definite,
    matches: result.matches,
    found: result.found,
    usedDefault: false,
  };
  let value = result.value;
  if (!result.found) {
    // "The default value is used if the JSONPath expression … fails to resolve a value. Null values do not fall back
    // to defaults." https://help.mypurecloud.com/articles/response-configuration-data-actions/
    if (!hasDefault) {
      entry.problem = {
        code: "E_OUTPUT",
        message: `translation map key "${key}": JSONPath "${path}" resolves to nothing in the response and the key has no default. Add a translationMapDefaults entry or check the path against the response.`,
        path: key,
      };
      return entry;
    }
    const parsed = readDefault(key, defaultText);
    if ("problem" in parsed) return { ...entry, problem: parsed.problem };
    value = parsed.value;
    entry.usedDefault = true;
  }
  const text = toJsonText(key, value);
  if ("problem" in text) return { ...entry, problem: text.problem };
  return { ...entry, value, json: text.json };
}

/**
 * Runs a translation map over an upstream response: per key the path, whether it is definite, the number of matches,
 * the value and whether its default was used. A default applies only when the path does not resolve; a null value
 * is kept. A default that is not JSON text is reported even when it is not needed (it is a fault of the definition
 * either way). Problems are data: nothing here throws for a bad path or default.
 * @example
 * const result = applyTranslationMap({ id: "c-1" }, { id: "$.id", name: "$.name" }, { name: "\"UNKNOWN\"" });
 * result.entries[1]; // { key: "name", found: false, usedDefault: true, value: "UNKNOWN", json: "\"UNKNOWN\"", … }
 */
export function applyTranslationMap(
  response: unknown,
  translationMap: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>> | undefined,
): TranslationResult {
  const entries: TranslationEntry[] = [];
  const problems: Problem[] = [];
  for (const [key, path] of Object.entries(translationMap)) {
    const hasDefault = defaults !== undefined && Object.prototype.hasOwnProperty.call(defaults, key);
    const defaultText: unknown = hasDefault ? defaults[key] : undefined;
    const entry = entryFor(response, key, path, defaultText, hasDefault);
    if (entry.problem === undefined && hasDefault && !entry.usedDefault) {
      const parsed = readDefault(key, defaultText);
      if ("problem" in parsed) entry.problem = parsed.problem;
    }
    entries.push(entry);
    if (entry.problem) problems.push(entry.problem);
  }
  return { entries, problems };
}

/**
 * Each key's value as JSON text, the form translation-map values take in the success template: a string comes with
 * its quotes (`${name}` prints `"Ada"`), a list as `[...]`. The response configuration page
 * (https://help.mypurecloud.com/articles/response-configuration-data-actions/) says the template inserts "data returned
 * by the JSONPath expressions" and that defaults are values; the public exports confirm the JSON form: their
 * templates write `{"conversationId": ${conversationId}}` with no quotes around the reference and a default of
 * `"\"\""`. Keys that hold no value are left out, so Velocity prints their reference as written, as Genesys does.
 * Numbers are written as JavaScript writes them (`1.0` in the response becomes `1`; Java keeps `1.0`).
 * @example
 * translationValuesForTemplate(applyTranslationMap({ n: "Ada" }, { name: "$.n" }, undefined)); // { name: "\"Ada\"" }
 */
export function translationValuesForTemplate(result: TranslationResult): Record<string, string> {
  const values: Record<string, string> = {};
  for (const entry of result.entries) {
    // defineProperty: a key named "__proto__" is a key here, not the object's prototype (assignment would drop it).
    if (entry.json !== undefined)
      Object.defineProperty(values, entry.key, { value: entry.json, enumerable: true, writable: true, configurable: true });
  }
  return values;
}
