// Whether a translation-map path can match anything in a document a JSON Schema describes: a sound "cannot match" for `cxda lint`, else "may match".
import { isRecord } from "../../../internal/json-data.js";
import { compilePath } from "./json-path.js";

/** The answer of {@link pathFitsSchema}. */
export interface PathFit {
  /** False only when no document valid against the schema can give the path a match; true means "may match". */
  fits: boolean;
  /** Why it cannot match, naming the segment (absent when it fits). */
  reason?: string;
}

type Schema = boolean | Record<string, unknown>;

/** Keywords whose effect on the shape this check does not follow; a schema holding one is taken as "anything". */
const UNFOLLOWED = ["$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "dependentSchemas", "unevaluatedProperties"];

function isSchema(value: unknown): value is Schema {
  return typeof value === "boolean" || isRecord(value);
}

/** Whether the schema lets the value be of this JSON type (`type` absent allows all; unfollowed keywords allow all). */
function allows(schema: Schema, type: "object" | "array"): boolean {
  if (typeof schema === "boolean") return schema;
  if (UNFOLLOWED.some((k) => k in schema)) return true;
  const declared = schema["type"];
  if (declared === undefined) return true;
  const types = Array.isArray(declared) ? declared : [declared];
  return types.includes(type);
}

function followed(schema: Schema): schema is Record<string, unknown> {
  return typeof schema === "object" && !UNFOLLOWED.some((k) => k in schema);
}

/** The schema of member `name`, or undefined when the schema allows no such member. */
function memberSchema(schema: Schema, name: string): Schema | undefined {
  if (!allows(schema, "object")) return undefined;
  if (!followed(schema)) return true;
  const properties = schema["properties"];
  if (typeof properties === "object" && properties !== null && Object.prototype.hasOwnProperty.call(properties, name)) {
    const member = (properties as Record<string, unknown>)[name];
    return isSchema(member) ? member : true;
  }
  // A pattern may admit the name; following regular expressions is not worth a false "cannot match".
  if ("patternProperties" in schema) return true;
  const additional = schema["additionalProperties"];
  if (additional === false) return undefined;
  return isSchema(additional) ? additional : true;
}

/** The schema of an array's items at an index (or any index), or undefined when the schema allows no array. */
function itemSchema(schema: Schema): Schema | undefined {
  if (!allows(schema, "array")) return undefined;
  if (!followed(schema)) return true;
  const items = schema["items"];
  // A tuple `items: [...]` (draft 04-07) or `prefixItems` differs per index: anything may match.
  return isSchema(items) && !("prefixItems" in schema) ? items : true;
}

/** The schema a selector leads to from `schema`, or undefined when it cannot select anything there. */
function select(schema: Schema, selector: { type: string; value?: unknown }): Schema | undefined {
  if (selector.type === "NameSelector" || selector.type === "MemberNameShorthand") {
    return memberSchema(schema, String(selector.value));
  }
  if (selector.type === "IndexSelector" || selector.type === "SliceSelector") return itemSchema(schema);
  // Wildcards and filters select members of objects and items of arrays alike.
  if (!allows(schema, "object") && !allows(schema, "array")) return undefined;
  return true;
}

/**
 * Says whether a JSONPath can match anything in a document valid against `schema`. Only a sure "no" is reported:
 * a name the schema forbids (`additionalProperties: false`, or a `type` that is not an object), an index or slice where
 * the type is not an array, any segment below a value that cannot be a container. Everything the check does not
 * follow (`$ref`, `allOf`/`anyOf`/`oneOf`, `patternProperties`, tuples, `..`) counts as "may match".
 *
 * The schema must describe the document the path runs over. In Genesys that is the upstream response, not the
 * success schema (which describes what the success template writes), so a lint may use the success schema only where
 * the template passes the response through (`${rawResult}`), or a schema of the upstream API when one is known.
 * The path must be valid (see `compilePath`, which throws otherwise).
 * @example
 * pathFitsSchema("$.id", { type: "object", properties: { name: {} }, additionalProperties: false }).fits; // false
 * pathFitsSchema("$.id", { type: "object", properties: { name: {} } }).fits; // true: other members are allowed
 */
export function pathFitsSchema(path: string, schema: unknown): PathFit {
  const compiled = compilePath(path);
  let current: Schema[] = [isSchema(schema) ? schema : true];
  let walked = "$";
  for (const segment of compiled.ast.segments) {
    if (segment.type === "DescendantSegment") return { fits: true };
    const node = segment.node;
    const selectors = node.type === "BracketedSelection" ? node.selectors : [node];
    const next: Schema[] = [];
    for (const schemaHere of current) {
      for (const selector of selectors) {
        const found = select(schemaHere, selector as { type: string; value?: unknown });
        if (found !== undefined && found !== false) next.push(found);
      }
    }
    const text = node.type === "MemberNameShorthand" ? `.${node.value}` : node.type === "WildcardSelector" ? ".*" : "[…]";
    if (next.length === 0) {
      return {
        fits: false,
        reason: `"${path}" cannot match: after ${walked} the schema allows nothing that ${text === "[…]" ? "its next bracket" : text} selects (no such member, or not an object or array there).`,
      };
    }
    walked += text;
    current = next;
  }
  return { fits: true };
}
