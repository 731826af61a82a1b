// The schema as the generator sees it: local $refs resolved, allOf merged into one set of constraints, subschema checks.
import { CxdaError, isCxdaError } from "../../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { createValidator, type Validator } from "../../validation/create-validator.js";

/** The JSON types a schema can ask for. */
export type JsonType = "null" | "boolean" | "object" | "array" | "number" | "integer" | "string";

/** The rule one schema object sets for the items of an array: positional schemas, then one for the rest. */
export interface ItemRule {
  prefix: JsonSchema[];
  rest: JsonSchema | undefined;
}

/** One schema object's `additionalProperties`, with the names and patterns it does not apply to. */
export interface AdditionalRule {
  known: ReadonlySet<string>;
  patterns: readonly string[];
  schema: JsonSchema;
}

/** An `if` with its branches. */
export interface Conditional {
  if: JsonSchema;
  then: JsonSchema | undefined;
  else: JsonSchema | undefined;
}

/**
 * Every constraint that applies to one value, gathered from all the schema objects that apply to it (a `$ref`'s
 * target, each `allOf` branch…). Choices (`anyOf`, `oneOf`, `if`) stay open until the generator picks a branch.
 */
export interface Constraints {
  /** The raw schemas gathered here, for checks with the real validator. */
  subs: JsonSchema[];
  /** Why no value can satisfy these constraints, when that is already clear. */
  impossible: string | undefined;
  /** Allowed types; `undefined` when no `type` keyword applies. */
  types: JsonType[] | undefined;
  /** Allowed values (`enum` and `const` intersected); `undefined` when unrestricted. */
  values: unknown[] | undefined;
  /** The keyword a value outside `values` breaks: `const` when one applies, else `enum`. */
  valuesKeyword: "enum" | "const" | undefined;
  minimum: number | undefined;
  maximum: number | undefined;
  exclusiveMinimum: number | undefined;
  exclusiveMaximum: number | undefined;
  multipleOf: number[];
  minLength: number | undefined;
  maxLength: number | undefined;
  patterns: string[];
  formats: string[];
  minItems: number | undefined;
  maxItems: number | undefined;
  uniqueItems: boolean;
  itemRules: ItemRule[];
  contains: JsonSchema[];
  minContains: number | undefined;
  maxContains: number | undefined;
  properties: Map<string, JsonSchema[]>;
  required: Set<string>;
  additional: AdditionalRule[];
  patternProperties: Array<{ pattern: string; schema: JsonSchema }>;
  minProperties: number | undefined;
  maxProperties: number | undefined;
  dependentRequired: Map<string, string[]>;
  propertyNames: JsonSchema[];
  /** `unevaluatedProperties: false` somewhere here: no property beyond the declared ones. */
  closed: boolean;
  anyOf: JsonSchema[][];
  oneOf: JsonSchema[][];
  not: JsonSchema[];
  conditionals: Conditional[];
  /** Keywords the generator does not plan for (dependentSchemas…): the result is checked, not planned. */
  unplanned: string[];
}

/** What the generator knows about the schema it works on. */
export interface SchemaContext {
  readonly root: JsonSchema;
  readonly draft: SchemaDraft;
  /**
   * Gathers the constraints of `subs` (all of which apply to one value). Gathered once per list of schema objects
   * (by identity) and shared after that: treat the result as read-only, and {@link SchemaContext.copy} it to add more.
   */
  constraintsOf(subs: readonly JsonSchema[]): Constraints;
  /** Adds one more schema's constraints (a chosen branch) to `target`. */
  absorb(target: Constraints, schema: JsonSchema): void;
  /** A copy that can take more constraints without changing `source`. */
  copy(source: Constraints): Constraints;
  /** Whether `value` satisfies every schema in `subs`; `undefined` when that cannot be checked locally. */
  accepts(value: unknown, subs: readonly JsonSchema[]): boolean | undefined;
  /** Whether a string is valid in `format`, as the validator judges it. */
  acceptsFormat(value: string, format: string): boolean;
}

const ROOT_KEY = "__cxda_root";

/** One step of a lookup keyed by a list of schema objects, compared by identity (the schema is read-only). */
interface ListCache<T> {
  value: T | undefined;
  next: Map<JsonSchema, ListCache<T>> | undefined;
}

function listCache<T>(): ListCache<T> {
  return { value: undefined, next: undefined };
}

/** The entry for `subs`, created on first use. */
function entryFor<T>(root: ListCache<T>, subs: readonly JsonSchema[]): ListCache<T> {
  let node = root;
  for (const sub of subs) {
    node.next ??= new Map();
    let next = node.next.get(sub);
    if (next === undefined) node.next.set(sub, (next = listCache<T>()));
    node = next;
  }
  return node;
}
/** `$ref` chains deeper than this are taken to loop without ever reaching a schema. */
const MAX_REF_HOPS = 64;
/** Keywords whose values are data, not schemas: `$ref` strings inside them are left alone. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);
const JSON_TYPES: readonly JsonType[] = ["null", "boolean", "object", "array", "number", "integer", "string"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || isRecord(value);
}

function schemaError(message: string, context: Record<string, string> = {}): CxdaError {
  return new CxdaError("E_SCHEMA", message, { context });
}

function emptyConstraints(): Constraints {
  return {
    subs: [],
    impossible: undefined,
    types: undefined,
    values: undefined,
    valuesKeyword: undefined,
    minimum: undefined,
    maximum: undefined,
    exclusiveMinimum: undefined,
    exclusiveMaximum: undefined,
    multipleOf: [],
    minLength: undefined,
    maxLength: undefined,
    patterns: [],
    formats: [],
    minItems: undefined,
    maxItems: undefined,
    uniqueItems: false,
    itemRules: [],
    contains: [],
    minContains: undefined,
    maxContains: undefined,
    properties: new Map(),
    required: new Set(),
    additional: [],
    patternProperties: [],
    minProperties: undefined,
    maxProperties: undefined,
    dependentRequired: new Map(),
    propertyNames: [],
    closed: false,
    anyOf: [],
    oneOf: [],
    not: [],
    conditionals: [],
    unplanned: [],
  };
}

/** True when nothing constrains the value at all (`true`, `{}`, or only annotations such as `title`). */
export function isUnconstrained(c: Constraints): boolean {
  const unset = [
    c.types,
    c.values,
    c.minimum,
    c.maximum,
    c.exclusiveMinimum,
    c.exclusiveMaximum,
    c.minLength,
    c.maxLength,
    c.minItems,
    c.maxItems,
    c.minProperties,
    c.maxProperties,
    c.impossible,
  ];
  const lists = [
    c.multipleOf,
    c.patterns,
    c.formats,
    c.itemRules,
    c.contains,
    c.additional,
    c.patternProperties,
    c.propertyNames,
    c.anyOf,
    c.oneOf,
    c.not,
    c.conditionals,
    c.unplanned,
  ];
  return (
    unset.every((v) => v === undefined) &&
    lists.every((l) => l.length === 0) &&
    c.properties.size === 0 &&
    c.required.size === 0 &&
    c.dependentRequired.size === 0 &&
    !c.uniqueItems &&
    !c.closed
  );
}

/** Deep equality for JSON values (enum intersection). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => jsonEqual(v, other[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b as object, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function tighter(current: number | undefined, next: unknown, pick: (a: number, b: number) => number): number | undefined {
  if (typeof next !== "number" || !Number.isFinite(next)) return current;
  return current === undefined ? next : pick(current, next);
}

function intersectTypes(current: JsonType[] | undefined, declared: unknown): JsonType[] {
  const listed = (Array.isArray(declared) ? declared : [declared]).filter((t): t is JsonType => JSON_TYPES.includes(t as JsonType));
  if (current === undefined) return [...new Set(listed)];
  const out = new Set<JsonType>();
  for (const a of current) {
    for (const b of listed) {
      if (a === b) out.add(a);
      else if ((a === "integer" && b === "number") || (a === "number" && b === "integer")) out.add("integer");
    }
  }
  return [...out];
}

/** Rewrites every local `$ref` ("#…") to point inside the wrapper's copy of the root schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$ref" && typeof inner === "string" && (inner === "#" || inner.startsWith("#/")))
      out[key] = `#/definitions/${ROOT_KEY}${inner.slice(1)}`;
    else if (DATA_KEYWORDS.has(key)) out[key] = inner;
    else out[key] = rewriteRefs(inner);
  }
  return out;
}

function decodePointerSegment(segment: string): string {
  return decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~");
}

/**
 * Builds the generator's view of `root`. Only local `$ref`s are supported: JSON Pointers into the document
 * (`#/definitions/…`, `#/$defs/…`, `#`), also when prefixed with the root's own `$id`.
 * @example
 * const context = createSchemaContext({ allOf: [{ type: "integer" }, { minimum: 3 }] }, "draft-07");
 * context.constraintsOf([context.root]).minimum; // 3
 */
export function createSchemaContext(root: JsonSchema, draft: SchemaDraft): SchemaContext {
  const legacyRefs = draft === "draft-04" || draft === "draft-06" || draft === "draft-07";
  const rootId = isRecord(root)
    ? typeof root["$id"] === "string"
      ? root["$id"]
      : typeof root["id"] === "string"
        ? root["id"]
        : undefined
    : undefined;
  let wrappedRoot: unknown;
  const validators = new Map<string, Validator | null>();
  // Generation asks for the same lists of subschemas for every instance: gather and look up each list once.
  const gathered = listCache<Constraints>();
  const validatorsByList = listCache<Validator | null>();

  const resolveRef = (ref: string): JsonSchema => {
    let pointer = ref;
    if (rootId !== undefined && pointer.startsWith(rootId.replace(/#$/, ""))) pointer = pointer.slice(rootId.replace(/#$/, "").length);
    if (pointer === "" || pointer === "#") return root;
    if (!pointer.startsWith("#/")) {
      throw schemaError(
        `cannot generate payloads: $ref ${JSON.stringify(ref)} is not a local JSON Pointer; only refs inside the schema (#/definitions/…, #/$defs/…) are supported`,
        { ref },
      );
    }
    let current: unknown = root;
    for (const raw of pointer.slice(2).split("/")) {
      const segment = decodePointerSegment(raw);
      if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
      else if (isRecord(current) && Object.hasOwn(current, segment)) current = current[segment];
      else throw schemaError(`cannot generate payloads: $ref ${JSON.stringify(ref)} points at nothing in the schema`, { ref });
    }
    if (!isSchema(current)) throw schemaError(`cannot generate payloads: $ref ${JSON.stringify(ref)} does not point at a schema`, { ref });
    return current;
  };

  /** Gathers the constraints of `schema` (following refs and allOf) without recording it in `subs`. */
  const gather = (target: Constraints, schema: JsonSchema, hops: number): void => {
    if (schema === true) return;
    if (schema === false) {
      target.impossible ??= "the schema is false (nothing is allowed here)";
      return;
    }
    if (hops > MAX_REF_HOPS) throw schemaError("cannot generate payloads: a $ref chain loops without reaching a schema");
    const s = schema;
    const ref = s["$ref"];
    if (typeof ref === "string") {
      gather(target, resolveRef(ref), hops + 1);
      if (legacyRefs) return; // before 2019-09, keywords beside $ref are ignored
    }
    for (const keyword of ["$dynamicRef", "$recursiveRef"]) {
      if (s[keyword] !== undefined) throw schemaError(`cannot generate payloads: ${keyword} is not supported; use $ref to #/$defs/…`, { keyword });
    }

    if (s["type"] !== undefined) {
      target.types = intersectTypes(target.types, s["type"]);
      if (target.types.length === 0) target.impossible ??= "the type keywords that apply here have no type in common";
    }
    if (Array.isArray(s["enum"])) {
      const listed = s["enum"];
      target.values = target.values === undefined ? [...listed] : target.values.filter((v) => listed.some((w) => jsonEqual(v, w)));
      target.valuesKeyword ??= "enum";
    }
    if (Object.hasOwn(s, "const")) {
      const only = s["const"];
      target.values = target.values === undefined ? [only] : target.values.filter((v) => jsonEqual(v, only));
      target.valuesKeyword = "const";
    }
    if (target.values !== undefined && target.values.length === 0)
      target.impossible ??= "the enum and const keywords that apply here allow no common value";

    // Numbers. Draft-04 writes exclusive bounds as booleans next to minimum/maximum.
    if (s["exclusiveMinimum"] === true && typeof s["minimum"] === "number")
      target.exclusiveMinimum = tighter(target.exclusiveMinimum, s["minimum"], Math.max);
    else target.minimum = tighter(target.minimum, s["minimum"], Math.max);
    if (s["exclusiveMaximum"] === true && typeof s["maximum"] === "number")
      target.exclusiveMaximum = tighter(target.exclusiveMaximum, s["maximum"], Math.min);
    else target.maximum = tighter(target.maximum, s["maximum"], Math.min);
    target.exclusiveMinimum = tighter(target.exclusiveMinimum, s["exclusiveMinimum"], Math.max);
    target.exclusiveMaximum = tighter(target.exclusiveMaximum, s["exclusiveMaximum"], Math.min);
    if (typeof s["multipleOf"] === "number" && s["multipleOf"] > 0) target.multipleOf.push(s["multipleOf"]);

    // Strings.
    target.minLength = tighter(target.minLength, s["minLength"], Math.max);
    target.maxLength = tighter(target.maxLength, s["maxLength"], Math.min);
    if (typeof s["pattern"] === "string" && !target.patterns.includes(s["pattern"])) target.patterns.push(s["pattern"]);
    if (typeof s["format"] === "string" && !target.formats.includes(s["format"])) target.formats.push(s["format"]);

    // Arrays.
    target.minItems = tighter(target.minItems, s["minItems"], Math.max);
    target.maxItems = tighter(target.maxItems, s["maxItems"], Math.min);
    if (s["uniqueItems"] === true) target.uniqueItems = true;
    const items = s["items"];
    if (draft === "2020-12") {
      const prefix = Array.isArray(s["prefixItems"]) ? (s["prefixItems"] as unknown[]).filter(isSchema) : [];
      if (prefix.length > 0 || isSchema(items)) target.itemRules.push({ prefix, rest: isSchema(items) ? items : undefined });
    } else if (Array.isArray(items)) {
      const rest = s["additionalItems"];
      target.itemRules.push({ prefix: items.filter(isSchema), rest: isSchema(rest) ? rest : undefined });
    } else if (isSchema(items)) {
      target.itemRules.push({ prefix: [], rest: items });
    }
    if (isSchema(s["contains"])) {
      target.contains.push(s["contains"]);
      target.minContains = tighter(target.minContains, s["minContains"], Math.max);
      target.maxContains = tighter(target.maxContains, s["maxContains"], Math.min);
    }

    // Objects.
    const properties = isRecord(s["properties"]) ? s["properties"] : {};
    for (const [name, sub] of Object.entries(properties)) {
      if (!isSchema(sub)) continue;
      const list = target.properties.get(name);
      if (list === undefined) target.properties.set(name, [sub]);
      else list.push(sub);
    }
    if (Array.isArray(s["required"])) for (const name of s["required"]) if (typeof name === "string") target.required.add(name);
    const patternProperties = isRecord(s["patternProperties"]) ? s["patternProperties"] : {};
    for (const [pattern, sub] of Object.entries(patternProperties)) if (isSchema(sub)) target.patternProperties.push({ pattern, schema: sub });
    if (isSchema(s["additionalProperties"])) {
      target.additional.push({
        known: new Set(Object.keys(properties)),
        patterns: Object.keys(patternProperties),
        schema: s["additionalProperties"],
      });
    }
    if (s["unevaluatedProperties"] === false) target.closed = true;
    target.minProperties = tighter(target.minProperties, s["minProperties"], Math.max);
    target.maxProperties = tighter(target.maxProperties, s["maxProperties"], Math.min);
    const dependents = [s["dependentRequired"], s["dependencies"]];
    for (const group of dependents) {
      if (!isRecord(group)) continue;
      for (const [name, needed] of Object.entries(group)) {
        if (Array.isArray(needed))
          target.dependentRequired.set(name, [
            ...(target.dependentRequired.get(name) ?? []),
            ...needed.filter((n): n is string => typeof n === "string"),
          ]);
        else if (isSchema(needed)) target.unplanned.push(`dependencies of ${JSON.stringify(name)}`);
      }
    }
    if (isRecord(s["dependentSchemas"])) target.unplanned.push("dependentSchemas");
    if (isSchema(s["propertyNames"])) target.propertyNames.push(s["propertyNames"]);

    // Composition: allOf is merged now, the choices are made by the generator.
    if (Array.isArray(s["allOf"])) for (const branch of s["allOf"]) if (isSchema(branch)) gather(target, branch, hops + 1);
    if (Array.isArray(s["anyOf"])) target.anyOf.push(s["anyOf"].filter(isSchema));
    if (Array.isArray(s["oneOf"])) target.oneOf.push(s["oneOf"].filter(isSchema));
    if (isSchema(s["not"])) target.not.push(s["not"]);
    if (isSchema(s["if"])) {
      target.conditionals.push({ if: s["if"], then: isSchema(s["then"]) ? s["then"] : undefined, else: isSchema(s["else"]) ? s["else"] : undefined });
    }
  };

  const absorb = (target: Constraints, schema: JsonSchema): void => {
    target.subs.push(schema);
    gather(target, schema, 0);
  };

  const copy = (source: Constraints): Constraints => ({
    ...source,
    subs: [...source.subs],
    types: source.types === undefined ? undefined : [...source.types],
    values: source.values === undefined ? undefined : [...source.values],
    multipleOf: [...source.multipleOf],
    patterns: [...source.patterns],
    formats: [...source.formats],
    itemRules: [...source.itemRules],
    contains: [...source.contains],
    properties: new Map([...source.properties].map(([k, v]) => [k, [...v]])),
    required: new Set(source.required),
    additional: [...source.additional],
    patternProperties: [...source.patternProperties],
    dependentRequired: new Map(source.dependentRequired),
    propertyNames: [...source.propertyNames],
    anyOf: [...source.anyOf],
    oneOf: [...source.oneOf],
    not: [...source.not],
    conditionals: [...source.conditionals],
    unplanned: [...source.unplanned],
  });

  const validatorFor = (subs: readonly JsonSchema[]): Validator | null => {
    const entry = entryFor(validatorsByList, subs);
    if (entry.value !== undefined) return entry.value;
    const key = JSON.stringify(subs);
    let validator = validators.get(key);
    if (validator !== undefined) return (entry.value = validator);
    wrappedRoot ??= (() => {
      if (!isRecord(root)) return root;
      // The copy sits below the wrapper: an $id or $schema there would start a new resource and break the refs.
      const { $id: _id, id: _legacyId, $schema: _schema, ...rest } = root;
      return rewriteRefs(rest);
    })();
    const wrapper = { definitions: { [ROOT_KEY]: wrappedRoot }, allOf: subs.map(rewriteRefs) };
    try {
      validator = createValidator(wrapper as JsonSchema, { side: "input", draft });
    } catch (error) {
      if (!isCxdaError(error)) throw error;
      validator = null; // not checkable on its own (an unusual $ref); the whole payload is still validated
    }
    validators.set(key, validator);
    entry.value = validator;
    return validator;
  };

  const formatValidators = new Map<string, Validator>();
  const acceptsFormat = (value: string, format: string): boolean => {
    let validator = formatValidators.get(format);
    if (validator === undefined) {
      validator = createValidator({ type: "string", format }, { side: "input", draft });
      formatValidators.set(format, validator);
    }
    return validator.validate(value).length === 0;
  };

  return {
    root,
    draft,
    acceptsFormat,
    constraintsOf(subs) {
      const entry = entryFor(gathered, subs);
      if (entry.value !== undefined) return entry.value;
      const target = emptyConstraints();
      for (const sub of subs) absorb(target, sub);
      return (entry.value = target);
    },
    absorb: (target, schema) => absorb(target, schema),
    copy,
    accepts(value, subs) {
      if (subs.length === 0) return true;
      const validator = validatorFor(subs);
      return validator === null ? undefined : validator.validate(value).length === 0;
    },
  };
}
