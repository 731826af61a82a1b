// The constraints that apply to one value, gathered from every schema object that applies to it: the record, its empty form and copies, and whether it constrains anything.
import type { JsonSchema } from "../../core/types.js";

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

/** Constraints that allow anything: the start of every gathering. */
export function emptyConstraints(): Constraints {
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

/** A copy of `source` that can take more constraints without changing it (the schemas inside are shared, read-only). */
export function copyConstraints(source: Constraints): Constraints {
  return {
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
