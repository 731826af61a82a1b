// Gathering: how one schema object's keywords add to the constraints of a value, one concern at a time ($ref, types and
// values, numbers, strings, arrays, objects, composition).
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { jsonEqual, type Constraints, type JsonType } from "./constraints.js";
import { isRecord } from "../../internal/json-data.js";
import { isSchema, schemaError } from "./schema-reading.js";

/** What gathering needs beside the schema: the draft it is read as, and where its local `$ref`s lead. */
export interface GatherSettings {
  readonly draft: SchemaDraft;
  readonly resolveRef: (ref: string) => JsonSchema;
}

/** `$ref` chains deeper than this are taken to loop without ever reaching a schema. */
const MAX_REF_HOPS = 64;
const JSON_TYPES: readonly JsonType[] = ["null", "boolean", "object", "array", "number", "integer", "string"];
/** Drafts in which keywords beside `$ref` are ignored (2019-09 made `$ref` a keyword like the others). */
const LEGACY_REF_DRAFTS: ReadonlySet<SchemaDraft> = new Set(["draft-04", "draft-06", "draft-07"]);

type SchemaObject = Record<string, unknown>;

/**
 * Adds the constraints of `schema` to `target`, following its `$ref` and merging its `allOf`, without recording it in
 * `target.subs`. `hops` counts the refs and allOf branches walked to get here.
 * @throws CxdaError `E_SCHEMA` for a `$ref` that cannot be followed, a `$ref` chain that loops, `$dynamicRef` or `$recursiveRef`.
 */
export function gatherConstraints(target: Constraints, schema: JsonSchema, settings: GatherSettings, hops = 0): void {
  if (schema === true) return;
  if (schema === false) {
    target.impossible ??= "the schema is false (nothing is allowed here)";
    return;
  }
  if (hops > MAX_REF_HOPS) throw schemaError("cannot generate payloads: a $ref chain loops without reaching a schema");
  if (gatherRef(target, schema, settings, hops) === "only-ref") return;
  gatherTypesAndValues(target, schema);
  gatherNumberRules(target, schema);
  gatherStringRules(target, schema);
  gatherArrayRules(target, schema, settings.draft);
  gatherObjectRules(target, schema);
  gatherComposition(target, schema, settings, hops);
}

/** Follows `$ref`; "only-ref" when the draft ignores the keywords beside it. Dynamic refs are refused. */
function gatherRef(target: Constraints, s: SchemaObject, settings: GatherSettings, hops: number): "only-ref" | "more" {
  const ref = s["$ref"];
  if (typeof ref === "string") {
    gatherConstraints(target, settings.resolveRef(ref), settings, hops + 1);
    if (LEGACY_REF_DRAFTS.has(settings.draft)) return "only-ref";
  }
  for (const keyword of ["$dynamicRef", "$recursiveRef"]) {
    if (s[keyword] !== undefined) throw schemaError(`cannot generate payloads: ${keyword} is not supported; use $ref to #/$defs/…`, { keyword });
  }
  return "more";
}

function tighter(current: number | undefined, next: unknown, pick: (a: number, b: number) => number): number | undefined {
  if (typeof next !== "number" || !Number.isFinite(next)) return current;
  return current === undefined ? next : pick(current, next);
}

/** The types both allow; an integer is a number, so integer and number meet in integer. */
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

/** `type`, `enum` and `const`: each narrows what came before, and an empty result makes the value impossible. */
function gatherTypesAndValues(target: Constraints, s: SchemaObject): void {
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
}

/** Bounds keep the tightest; draft-04 writes exclusive bounds as booleans next to minimum/maximum. */
function gatherNumberRules(target: Constraints, s: SchemaObject): void {
  if (s["exclusiveMinimum"] === true && typeof s["minimum"] === "number")
    target.exclusiveMinimum = tighter(target.exclusiveMinimum, s["minimum"], Math.max);
  else target.minimum = tighter(target.minimum, s["minimum"], Math.max);
  if (s["exclusiveMaximum"] === true && typeof s["maximum"] === "number")
    target.exclusiveMaximum = tighter(target.exclusiveMaximum, s["maximum"], Math.min);
  else target.maximum = tighter(target.maximum, s["maximum"], Math.min);
  target.exclusiveMinimum = tighter(target.exclusiveMinimum, s["exclusiveMinimum"], Math.max);
  target.exclusiveMaximum = tighter(target.exclusiveMaximum, s["exclusiveMaximum"], Math.min);
  if (typeof s["multipleOf"] === "number" && s["multipleOf"] > 0) target.multipleOf.push(s["multipleOf"]);
}

function gatherStringRules(target: Constraints, s: SchemaObject): void {
  target.minLength = tighter(target.minLength, s["minLength"], Math.max);
  target.maxLength = tighter(target.maxLength, s["maxLength"], Math.min);
  if (typeof s["pattern"] === "string" && !target.patterns.includes(s["pattern"])) target.patterns.push(s["pattern"]);
  if (typeof s["format"] === "string" && !target.formats.includes(s["format"])) target.formats.push(s["format"]);
}

/** Array keywords; 2020-12 writes tuples as `prefixItems` + `items`, earlier drafts as an `items` array + `additionalItems`. */
function gatherArrayRules(target: Constraints, s: SchemaObject, draft: SchemaDraft): void {
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
}

function gatherObjectRules(target: Constraints, s: SchemaObject): void {
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
    // additionalProperties applies beside the properties and patterns of its own schema object only.
    target.additional.push({
      known: new Set(Object.keys(properties)),
      patterns: Object.keys(patternProperties),
      schema: s["additionalProperties"],
    });
  }
  if (s["unevaluatedProperties"] === false) target.closed = true;
  target.minProperties = tighter(target.minProperties, s["minProperties"], Math.max);
  target.maxProperties = tighter(target.maxProperties, s["maxProperties"], Math.min);
  gatherDependencies(target, s);
  if (isSchema(s["propertyNames"])) target.propertyNames.push(s["propertyNames"]);
}

/** `dependentRequired` and the array form of draft-04..07 `dependencies` are planned; their schema forms are only checked. */
function gatherDependencies(target: Constraints, s: SchemaObject): void {
  for (const group of [s["dependentRequired"], s["dependencies"]]) {
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
}

/** allOf is merged now; the choices (anyOf, oneOf, not, if) stay open for the generator. */
function gatherComposition(target: Constraints, s: SchemaObject, settings: GatherSettings, hops: number): void {
  if (Array.isArray(s["allOf"])) for (const branch of s["allOf"]) if (isSchema(branch)) gatherConstraints(target, branch, settings, hops + 1);
  if (Array.isArray(s["anyOf"])) target.anyOf.push(s["anyOf"].filter(isSchema));
  if (Array.isArray(s["oneOf"])) target.oneOf.push(s["oneOf"].filter(isSchema));
  if (isSchema(s["not"])) target.not.push(s["not"]);
  if (isSchema(s["if"])) {
    target.conditionals.push({ if: s["if"], then: isSchema(s["then"]) ? s["then"] : undefined, else: isSchema(s["else"]) ? s["else"] : undefined });
  }
}
