// One lazily created ajv instance per draft, and a cache of compiled schemas keyed by draft and content.
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import AjvDraft04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { CxdaError } from "../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../core/types.js";
import { CANONICAL_SCHEMA_URI, DEFAULT_DRAFT, detectDraft } from "./detect-draft.js";
import { stableStringify } from "./stable-json.js";
import { nestingDepth } from "../internal/nesting-depth.js";
import { valueAtPointer } from "./json-pointer.js";
import { describeValue } from "./describe-value.js";

/** A compiled schema and the strict-mode warnings ajv logged while compiling it (unknown keywords…). */
export interface CompiledSchema {
  readonly draft: SchemaDraft;
  readonly validate: ValidateFunction;
  readonly warnings: readonly string[];
}

type AjvInstance = InstanceType<typeof Ajv>;

// Both packages are CommonJS with `exports.default`; under NodeNext the default import is `module.exports`.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;
const require = createRequire(import.meta.url);

/**
 * Deep equality for JSON data, as `enum`, `const` and `uniqueItems` need it, without recursion. ajv's own
 * (fast-deep-equal) calls an object's `toString`/`valueOf` when they differ from Object.prototype's, so JSON data
 * holding such keys (`[{}, {"toString": ""}]`) made validation throw a TypeError (ajv issue #2624). Plain objects and
 * arrays are compared by their own keys here; anything else (a Date in a caller's data) keeps fast-deep-equal's rules.
 */
function jsonEqual(left: unknown, right: unknown): boolean {
  const pairs: Array<[unknown, unknown]> = [[left, right]];
  while (pairs.length > 0) {
    const [a, b] = pairs.pop() as [unknown, unknown];
    if (a === b) continue;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
      // NaN equals NaN, as in fast-deep-equal; every other difference is a difference.
      if (Number.isNaN(a) && Number.isNaN(b)) continue;
      return false;
    }
    if (Array.isArray(a) || Array.isArray(b)) {
      if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) pairs.push([a[i], b[i]]);
      continue;
    }
    const plain = (value: object): boolean => {
      const prototype: unknown = Object.getPrototypeOf(value);
      return prototype === Object.prototype || prototype === null;
    };
    if (!plain(a) || !plain(b)) {
      if (!fastDeepEqual(a, b)) return false;
      continue;
    }
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(b, key)) return false;
      pairs.push([(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

// ajv reads `runtime/equal`'s default export each time it generates code for enum, const or uniqueItems, so
// replacing it before the first compilation gives every validator (and meta-schema) the JSON-safe comparison.
const ajvEqual = require("ajv/dist/runtime/equal") as { default: ((a: unknown, b: unknown) => boolean) & { code: string } };
const fastDeepEqual = ajvEqual.default;
ajvEqual.default = Object.assign(jsonEqual, { code: fastDeepEqual.code });

// ajv logs strict-mode findings while compiling; compilation is synchronous, so one sink at a time is enough.
let warningSink: string[] | undefined;
const logger = {
  log: (): void => {},
  warn: (...args: unknown[]): void => {
    warningSink?.push(args.map(String).join(" "));
  },
  error: (...args: unknown[]): void => {
    warningSink?.push(args.map(String).join(" "));
  },
};

const AJV_OPTIONS: Options = {
  allErrors: true,
  // "log" tolerates unknown keywords (common in real exports) but still throws on unknown formats,
  // which ajv only ignores when strictSchema is false.
  strictSchema: "log",
  strictTypes: false,
  strictTuples: false,
  strictRequired: false,
  // A schema's $id must not clash with another schema's $id compiled earlier by the same instance.
  addUsedSchema: false,
  logger,
};

/**
 * For a root without an id. ajv resolves `$ref: "#"` (recursion through the root) of such a schema only through the
 * instance's registry, which `addUsedSchema: false` leaves empty ("can't resolve reference # from id #"); registering
 * it is harmless because an id-less root goes under the empty key, which ajv never checks for clashes and each
 * compilation overwrites (compilation is synchronous, so a schema's "#" finds its own root).
 */
const ID_LESS_OPTIONS: Options = { ...AJV_OPTIONS, addUsedSchema: true };

const instances = new Map<string, AjvInstance>();
const compiled = new Map<string, CompiledSchema>();
// Callers often pass the same schema object for every case; this skips re-serialising it for the key.
const byObject = new WeakMap<object, Map<SchemaDraft, CompiledSchema>>();
let compileCount = 0;

function createAjv(draft: SchemaDraft, options: Options): AjvInstance {
  let ajv: AjvInstance;
  switch (draft) {
    case "draft-04":
      ajv = new AjvDraft04(options);
      break;
    case "draft-06":
      ajv = new Ajv(options);
      ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as Record<string, unknown>);
      break;
    case "draft-07":
      ajv = new Ajv(options);
      break;
    case "2019-09":
      ajv = new Ajv2019(options);
      break;
    case "2020-12":
      ajv = new Ajv2020(options);
      break;
  }
  addFormats(ajv);
  return ajv;
}

/** The instance for `draft`: one for schemas whose root has an id, one for those without (see ID_LESS_OPTIONS). */
function ajvFor(draft: SchemaDraft, schema: JsonSchema): AjvInstance {
  const idKeyword = draft === "draft-04" ? "id" : "$id";
  const idLess = typeof schema !== "object" || typeof schema[idKeyword] !== "string" || schema[idKeyword] === "";
  const key = `${draft}${idLess ? "" : "\u0000id"}`;
  let ajv = instances.get(key);
  if (ajv === undefined) {
    ajv = createAjv(draft, idLess ? ID_LESS_OPTIONS : AJV_OPTIONS);
    instances.set(key, ajv);
  }
  return ajv;
}

/** What validation applies for one draft: anything else in a schema is ignored by it. */
export interface SchemaVocabulary {
  /** Every keyword ajv knows for the draft, annotations (`title`, `examples`…) included. */
  readonly keywords: readonly string[];
  /** Every `format` name that is checked (ajv-formats' full set). */
  readonly formats: readonly string[];
}

const vocabularies = new Map<SchemaDraft, SchemaVocabulary>();

/**
 * The keywords and formats ajv applies for `draft`, read from the same instance that compiles the draft's schemas, so
 * the list cannot drift from what validation does. A keyword outside it is one ajv would skip without a word.
 * @example
 * schemaVocabulary("draft-07").keywords.includes("minLength"); // true
 */
export function schemaVocabulary(draft: SchemaDraft): SchemaVocabulary {
  let vocabulary = vocabularies.get(draft);
  if (vocabulary === undefined) {
    const ajv = ajvFor(draft, true);
    vocabulary = { keywords: Object.keys(ajv.RULES.keywords), formats: Object.keys(ajv.formats) };
    vocabularies.set(draft, vocabulary);
  }
  return vocabulary;
}

/** The deepest nesting of objects and arrays a schema may have: far beyond real schemas, well within the stack. */
export const MAX_SCHEMA_DEPTH = 256;

/** How many schemas have actually been compiled (cache misses) in this process. For tests and diagnostics. */
export function compiledSchemaCount(): number {
  return compileCount;
}

/**
 * Compiles `schema` for `draft`, or returns the earlier compilation of a schema with the same content.
 * When `draft` is omitted it is read from `$schema`. A schema object must not be changed after it is compiled:
 * with an explicit `draft`, the same object is looked up by identity before its content is serialised.
 * @throws CxdaError `E_SCHEMA` when the schema does not compile; `context` has `draft`, `schemaPath` when known, and `reason`.
 * @example
 * const { validate } = compileSchema({ type: "integer" });
 * validate(5); // true
 */
export function compileSchema(schema: JsonSchema, draft?: SchemaDraft): CompiledSchema {
  // Callers outside TypeScript (definitions read from JSON) can hand over anything: say so instead of crashing.
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null)) {
    throw new CxdaError("E_SCHEMA", `the schema must be a JSON object or a boolean, got ${describeValue(schema)}`, {
      context: { draft: draft ?? null, reason: "not a schema" },
    });
  }
  const known = typeof schema === "object" && draft !== undefined ? byObject.get(schema)?.get(draft) : undefined;
  if (known !== undefined) return known;
  const depth = nestingDepth(schema, MAX_SCHEMA_DEPTH);
  if (depth > MAX_SCHEMA_DEPTH) {
    throw new CxdaError("E_SCHEMA", `the schema is nested more than ${MAX_SCHEMA_DEPTH} levels deep; cxda compiles schemas up to that depth`, {
      context: { draft: draft ?? null, reason: "nested too deeply" },
    });
  }
  let result: CompiledSchema;
  try {
    result = compileByContent(schema, draft);
  } catch (error) {
    // A stack overflow while serialising or compiling is a schema too big to handle, not a crash of the caller.
    if (error instanceof RangeError)
      throw schemaError(draft ?? DEFAULT_DRAFT, { reason: `the schema is too large or too deeply nested to compile (${error.message})` }, error);
    throw error;
  }
  if (typeof schema === "object") {
    let perDraft = byObject.get(schema);
    if (perDraft === undefined) byObject.set(schema, (perDraft = new Map()));
    perDraft.set(result.draft, result);
  }
  return result;
}

function compileByContent(schema: JsonSchema, draft: SchemaDraft | undefined): CompiledSchema {
  const declared = detectDraft(schema);
  const effective = draft ?? declared;
  if (typeof schema === "object" && schema["$schema"] !== undefined && declared !== effective) {
    throw new CxdaError("E_SCHEMA", `the schema declares ${declared} in $schema but ${effective} was requested; remove one of them`, {
      context: { draft: effective, declared },
    });
  }
  const key = `${effective}\u0000${stableStringify(schema)}`;
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;

  const ajv = ajvFor(effective, schema);
  // ajv finds meta-schemas by exact URI; spelling variants (https, no "#") are mapped to the one it knows.
  const target: JsonSchema =
    typeof schema === "object" && schema["$schema"] !== undefined ? { ...schema, $schema: CANONICAL_SCHEMA_URI[effective] } : schema;

  let valid: boolean;
  try {
    valid = ajv.validateSchema(target) as boolean;
  } catch (error) {
    throw schemaError(
      effective,
      { reason: `the schema cannot be checked against its meta-schema (${error instanceof Error ? error.message : String(error)})` },
      error,
    );
  }
  if (!valid) throw schemaError(effective, metaSchemaFailure(ajv.errors ?? [], target));
  const warnings: string[] = [];
  warningSink = warnings;
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(target);
  } catch (error) {
    throw schemaError(effective, compileFailure(error), error);
  } finally {
    warningSink = undefined;
  }
  compileCount++;
  const result: CompiledSchema = { draft: effective, validate, warnings };
  compiled.set(key, result);
  return result;
}

interface Failure {
  reason: string;
  schemaPath?: string;
}

function schemaError(draft: SchemaDraft, failure: Failure, cause?: unknown): CxdaError {
  const where = failure.schemaPath === undefined ? "" : ` at ${failure.schemaPath}`;
  return new CxdaError("E_SCHEMA", `the schema is invalid${where}: ${failure.reason}`, {
    cause,
    context: { draft, reason: failure.reason, ...(failure.schemaPath === undefined ? {} : { schemaPath: failure.schemaPath }) },
  });
}

/** The first meta-schema complaint at the first failing location, with the allowed values when there are some. */
function metaSchemaFailure(errors: ErrorObject[], schema: unknown): Failure {
  const first = errors[0];
  if (first === undefined) return { reason: "it does not match its meta-schema" };
  const atSamePlace = errors.filter((e) => e.instancePath === first.instancePath);
  const withValues = atSamePlace.find((e) => Array.isArray(e.params["allowedValues"]));
  const chosen = withValues ?? first;
  const allowed = chosen.params["allowedValues"] as unknown[] | undefined;
  const found = valueAtPointer(schema, first.instancePath);
  const reason = `${chosen.message ?? chosen.keyword}${allowed === undefined ? "" : ` (${allowed.map((v) => JSON.stringify(v)).join(", ")})`}${found === undefined ? "" : `, got ${describeValue(found)}`}`;
  return { reason, schemaPath: `#${first.instancePath}` };
}

const KNOWN_FORMATS_HINT = "date, time, date-time, duration, uri, uri-reference, email, hostname, ipv4, ipv6, uuid, regex…";

function compileFailure(error: unknown): Failure {
  const message = error instanceof Error ? error.message : String(error);
  const atPath = / in schema at path "([^"]*)"$/.exec(message);
  if (atPath?.[1] !== undefined) {
    const reason = message.slice(0, atPath.index).replace(/ ignored$/, "");
    const hint = reason.startsWith("unknown format") ? `; use a format cxda knows (${KNOWN_FORMATS_HINT}) or remove it` : "";
    return { reason: reason + hint, schemaPath: atPath[1] };
  }
  const missingRef = (error as { missingRef?: unknown }).missingRef;
  if (typeof missingRef === "string") return { reason: `$ref "${missingRef}" cannot be resolved` };
  return { reason: message };
}
