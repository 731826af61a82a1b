// Turns ajv's error objects into cxda's ValidationIssue data, with messages a person can act on.
import type { ErrorObject } from "ajv";
import type { ValidationIssue } from "../core/types.js";
import { describeValue } from "./describe-value.js";
import { escapePointerSegment, valueAtPointer } from "./json-pointer.js";

type Side = ValidationIssue["side"];

/**
 * Converts the errors ajv reported for `value` into issues, one per error, dropping umbrella errors
 * that only restate the failures already reported beneath them (`if` → `then`/`else`, `propertyNames`).
 * @example
 * toValidationIssues(validate.errors ?? [], output, "output");
 * // [{ side: "output", path: "/resolutionScore", keyword: "type", expected: "integer", actual: "87",
 * //    message: 'must be integer, got string "87"' }]
 */
export function toValidationIssues(errors: readonly ErrorObject[], value: unknown, side: Side): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const absorbed = new Set<ErrorObject>();
  for (const error of errors) {
    if (error.keyword === "propertyNames") {
      for (const child of childrenOf(error, errors)) absorbed.add(child);
    }
  }
  for (const error of errors) {
    if (absorbed.has(error)) continue;
    if (error.keyword === "if" && childrenOfBranch(error, errors).length > 0) continue;
    issues.push(toIssue(error, errors, value, side));
  }
  return issues;
}

function childrenOf(parent: ErrorObject, errors: readonly ErrorObject[]): ErrorObject[] {
  const prefix = `${parent.schemaPath}/`;
  return errors.filter((e) => e !== parent && e.schemaPath.startsWith(prefix));
}

/** Errors raised inside the `then`/`else` branch an `if` error points at. */
function childrenOfBranch(ifError: ErrorObject, errors: readonly ErrorObject[]): ErrorObject[] {
  const branch = ifError.params["failingKeyword"];
  if (typeof branch !== "string") return [];
  const prefix = `${ifError.schemaPath.replace(/\/if$/, "")}/${branch}/`;
  return errors.filter((e) => e !== ifError && e.schemaPath.startsWith(prefix));
}

function child(path: string, name: unknown): string {
  return `${path}/${escapePointerSegment(String(name))}`;
}

function plural(count: unknown, one: string, many: string): string {
  return `${String(count)} ${count === 1 ? one : many}`;
}

/** Allowed values listed in a message before the rest are summarised. */
const MAX_LISTED = 10;

function quoteAll(values: readonly unknown[]): string {
  const listed = values.slice(0, MAX_LISTED).map((v) => JSON.stringify(v) ?? String(v));
  if (values.length > MAX_LISTED) listed.push(`… (${values.length} values)`);
  return listed.join(", ");
}

function typeNames(type: unknown): string {
  return Array.isArray(type) ? type.map(String).join(" or ") : String(type);
}

function countOf(actual: unknown): number | undefined {
  if (Array.isArray(actual)) return actual.length;
  if (typeof actual === "string") return [...actual].length;
  if (actual !== null && typeof actual === "object") return Object.keys(actual).length;
  return undefined;
}

function toIssue(error: ErrorObject, errors: readonly ErrorObject[], value: unknown, side: Side): ValidationIssue {
  const p = error.params as Record<string, unknown>;
  const at = error.instancePath;
  let path = at;
  let actual = valueAtPointer(value, at);
  let expected: unknown;
  let message: string;
  const got = (): string => `got ${describeValue(actual)}`;

  switch (error.keyword) {
    case "type":
      expected = p["type"];
      message = `must be ${typeNames(p["type"])}, ${got()}`;
      break;
    case "enum": {
      const allowed = Array.isArray(p["allowedValues"]) ? (p["allowedValues"] as unknown[]) : [];
      expected = allowed;
      message = `must be one of ${quoteAll(allowed)}, ${got()}`;
      break;
    }
    case "const":
      expected = p["allowedValue"];
      message = `must be ${JSON.stringify(p["allowedValue"]) ?? String(p["allowedValue"])}, ${got()}`;
      break;
    case "maximum":
    case "minimum":
    case "exclusiveMaximum":
    case "exclusiveMinimum":
      expected = `${String(p["comparison"])} ${String(p["limit"])}`;
      message = `must be ${String(expected)}, ${got()}`;
      break;
    case "multipleOf":
      expected = `multiple of ${String(p["multipleOf"])}`;
      message = `must be a ${String(expected)}, ${got()}`;
      break;
    case "minLength":
    case "maxLength": {
      const bound = error.keyword === "minLength" ? "at least" : "at most";
      expected = `length ${error.keyword === "minLength" ? ">=" : "<="} ${String(p["limit"])}`;
      message = `must have ${bound} ${plural(p["limit"], "character", "characters")}, ${got()}`;
      break;
    }
    case "minItems":
    case "maxItems":
    case "additionalItems":
    case "items":
    case "unevaluatedItems": {
      const isMin = error.keyword === "minItems";
      expected = `items ${isMin ? ">=" : "<="} ${String(p["limit"])}`;
      const count = countOf(actual);
      message = `must have ${isMin ? "at least" : "at most"} ${plural(p["limit"], "item", "items")}, got ${count === undefined ? describeValue(actual) : plural(count, "item", "items")}`;
      break;
    }
    case "minProperties":
    case "maxProperties": {
      const isMin = error.keyword === "minProperties";
      expected = `properties ${isMin ? ">=" : "<="} ${String(p["limit"])}`;
      const count = countOf(actual);
      message = `must have ${isMin ? "at least" : "at most"} ${plural(p["limit"], "property", "properties")}, got ${count === undefined ? describeValue(actual) : String(count)}`;
      break;
    }
    case "uniqueItems":
      expected = "unique items";
      message = `must not contain duplicates (items ${String(p["j"])} and ${String(p["i"])} are equal)`;
      break;
    case "pattern":
      expected = p["pattern"];
      message = `must match pattern ${JSON.stringify(p["pattern"])}, ${got()}`;
      break;
    case "format":
      expected = p["format"];
      message = `must be a valid ${String(p["format"])}, ${got()}`;
      break;
    case "required":
      path = child(at, p["missingProperty"]);
      actual = undefined;
      expected = "present";
      message = "is required";
      break;
    case "dependencies":
    case "dependentRequired":
      path = child(at, p["missingProperty"]);
      actual = undefined;
      expected = "present";
      message = `is required when ${JSON.stringify(p["property"])} is present`;
      break;
    case "additionalProperties":
    case "unevaluatedProperties": {
      const name = p[error.keyword === "additionalProperties" ? "additionalProperty" : "unevaluatedProperty"];
      path = child(at, name);
      actual = valueAtPointer(value, path);
      expected = "absent";
      message = `must not be present (${error.keyword} is false)`;
      break;
    }
    case "propertyNames": {
      const name = String(p["propertyName"]);
      path = child(at, name);
      actual = name;
      const reasons = childrenOf(error, errors).map((e) => propertyNameReason(e));
      expected = "a valid property name";
      message = `property name ${JSON.stringify(name)} is invalid${reasons.length > 0 ? `: ${reasons.join("; ")}` : ""}`;
      break;
    }
    case "false schema":
      expected = "absent";
      message = `must not be present (its schema is false), ${got()}`;
      break;
    case "not":
      expected = "not matching the schema in not";
      message = `must not match the schema in "not", ${got()}`;
      break;
    case "anyOf":
      expected = "at least one anyOf schema";
      message = `must match at least one schema in anyOf, ${got()}`;
      break;
    case "oneOf": {
      expected = "exactly one oneOf schema";
      const passing = p["passingSchemas"];
      message = Array.isArray(passing)
        ? `must match exactly one schema in oneOf, but matches ${passing.map(String).join(" and ")}`
        : `must match exactly one schema in oneOf, ${got()}`;
      break;
    }
    case "if":
      expected = `matches "${String(p["failingKeyword"])}"`;
      message = `must match the "${String(p["failingKeyword"])}" schema, ${got()}`;
      break;
    case "contains": {
      const max = p["maxContains"];
      const min = p["minContains"] ?? 1;
      expected = max === undefined ? `contains >= ${String(min)}` : `contains <= ${String(max)}`;
      const bound =
        max === undefined
          ? `at least ${plural(min, "matching item", "matching items")}`
          : `at most ${plural(max, "matching item", "matching items")}`;
      message = `must contain ${bound} (see contains), ${got()}`;
      break;
    }
    default:
      // Keywords without a dedicated message (custom or rare ones) keep ajv's wording.
      expected = p;
      message = `${error.message ?? `fails ${error.keyword}`}, ${got()}`;
  }
  return { side, path, keyword: error.keyword, expected, actual, message };
}

/** The reason one property name failed, without the "got …" tail (the name is already in the message). */
function propertyNameReason(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "pattern":
      return `must match pattern ${JSON.stringify(p["pattern"])}`;
    case "format":
      return `must be a valid ${String(p["format"])}`;
    case "maxLength":
    case "minLength":
      return `must have ${error.keyword === "minLength" ? "at least" : "at most"} ${plural(p["limit"], "character", "characters")}`;
    case "enum":
      return `must be one of ${quoteAll(Array.isArray(p["allowedValues"]) ? (p["allowedValues"] as unknown[]) : [])}`;
    default:
      return error.message ?? `fails ${error.keyword}`;
  }
}
