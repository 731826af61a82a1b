// Finds what in a JSON Schema validation would skip without a word: keywords and formats its draft does not know.
import type { JsonSchema, SchemaDraft } from "../core/types.js";
import { closestName, meant } from "../internal/did-you-mean.js";
import { isRecord } from "../internal/json-data.js";
import { escapePointerSegment, valueAtPointer } from "./json-pointer.js";
import { schemaVocabulary } from "./schema-compiler.js";

/** One unknown name in a schema. */
export interface SchemaFinding {
  code: "unknown-keyword" | "unknown-format";
  /** JSON Pointer from the schema's root to the keyword (for a format, to its `format` keyword): `/properties/priority/minLenght`. */
  pointer: string;
  /** The unknown keyword, or the unknown format's name. */
  name: string;
  /** The known name it is most likely a typo of. */
  suggestion?: string;
  /** What is wrong, without the suggestion: `unknown keyword "minLenght": draft-07 does not define it, so it checks nothing`. */
  message: string;
  /** What to do: the suggestion (`did you mean "minLength"?`), else how to keep or drop the name. */
  hint: string;
}

/**
 * Keywords from outside JSON Schema that are accepted without a finding, and why:
 * - `x-…`: OpenAPI's convention for specification extensions, which API tools and vendors use for annotations of their
 *   own. No JSON Schema keyword starts with `x-`, so a mistyped keyword cannot hide behind the prefix.
 * Genesys Cloud needs nothing here: its contracts are plain JSON Schema (title, description, default, enum…; `$ref` is
 * not supported), and all 20 exports of the corpus (`corpus/genesys/`) use only standard keywords. Its own names sit
 * beside the schemas, at the definition's top level (see `definitions/definition-keys.ts`).
 */
function isVendorKeyword(keyword: string): boolean {
  return keyword.startsWith("x-");
}

/** Keywords whose value is one schema. */
const ONE_SCHEMA = new Set([
  "additionalItems",
  "additionalProperties",
  "contains",
  "contentSchema",
  "else",
  "if",
  "not",
  "propertyNames",
  "then",
  "unevaluatedItems",
  "unevaluatedProperties",
]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(["$defs", "definitions", "dependentSchemas", "patternProperties", "properties"]);

function isSchema(value: unknown): boolean {
  return typeof value === "boolean" || isRecord(value);
}

/** The subschemas under one keyword, with their pointers; data keywords (`enum`, `default`, `examples`…) have none. */
function subschemas(keyword: string, value: unknown, at: string): Array<[unknown, string]> {
  const here = `${at}/${escapePointerSegment(keyword)}`;
  if (ONE_SCHEMA.has(keyword)) return isSchema(value) ? [[value, here]] : [];
  // `items` is one schema, or (before 2020-12) a list of them.
  if (SCHEMA_LISTS.has(keyword) || keyword === "items") {
    if (Array.isArray(value)) return value.map((item, i) => [item, `${here}/${i}`] as [unknown, string]).filter(([item]) => isSchema(item));
    return keyword === "items" && isSchema(value) ? [[value, here]] : [];
  }
  // `dependencies` maps a property to a schema or to a list of property names (data).
  if (SCHEMA_MAPS.has(keyword) || keyword === "dependencies") {
    if (!isRecord(value)) return [];
    return Object.entries(value)
      .filter(([, item]) => isSchema(item))
      .map(([name, item]) => [item, `${here}/${escapePointerSegment(name)}`]);
  }
  return [];
}

function keywordFinding(keyword: string, pointer: string, draft: SchemaDraft, known: readonly string[]): SchemaFinding {
  const suggestion = closestName(keyword, known);
  return {
    code: "unknown-keyword",
    pointer,
    name: keyword,
    ...(suggestion === undefined ? {} : { suggestion }),
    message: `unknown keyword "${keyword}": JSON Schema ${draft} does not define it, so it checks nothing`,
    hint: suggestion === undefined ? `remove it, or rename it "x-${keyword}" if it is an annotation of your own` : meant(keyword, suggestion),
  };
}

function formatFinding(format: string, pointer: string, known: readonly string[]): SchemaFinding {
  const suggestion = closestName(format, known);
  return {
    code: "unknown-format",
    pointer,
    name: format,
    ...(suggestion === undefined ? {} : { suggestion }),
    message: `unknown format "${format}": cxda cannot check it`,
    hint: suggestion === undefined ? `use a format cxda knows (${known.slice(0, 12).join(", ")}…) or remove it` : meant(format, suggestion),
  };
}

/**
 * Every keyword in `schema` that its draft does not define (ajv would skip it) and every `format` that is not checked,
 * a schema's own before its subschemas', each with its JSON Pointer and, when a known name is close, the name it is probably a typo of.
 * Keywords starting with `x-` are vendor annotations and pass ({@link isVendorKeyword}). The values of unknown
 * keywords and of data keywords (`enum`, `const`, `default`, `examples`) are not searched.
 * @example
 * findSchemaProblems({ properties: { priority: { type: "string", minLenght: 1 } } }, "draft-07");
 * // [{ code: "unknown-keyword", pointer: "/properties/priority/minLenght", suggestion: "minLength", … }]
 */
export function findSchemaProblems(schema: JsonSchema, draft: SchemaDraft): SchemaFinding[] {
  const { keywords, formats } = schemaVocabulary(draft);
  const knownKeywords = new Set(keywords);
  const knownFormats = new Set(formats);
  const findings: SchemaFinding[] = [];
  // An explicit stack (children pushed in reverse, so siblings come out in order): a schema can nest as deep as it likes.
  const stack: Array<[unknown, string]> = [[schema, ""]];
  while (stack.length > 0) {
    const [node, at] = stack.pop() as [unknown, string];
    if (!isRecord(node)) continue;
    const children: Array<[unknown, string]> = [];
    for (const [keyword, value] of Object.entries(node)) {
      const pointer = `${at}/${escapePointerSegment(keyword)}`;
      if (!knownKeywords.has(keyword)) {
        if (!isVendorKeyword(keyword)) findings.push(keywordFinding(keyword, pointer, draft, keywords));
        continue;
      }
      if (keyword === "format" && typeof value === "string" && !knownFormats.has(value)) findings.push(formatFinding(value, pointer, formats));
      children.push(...subschemas(keyword, value, at));
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return findings;
}

/**
 * A copy of `schema` without the `format` keywords of `findings`' unknown formats. ajv refuses to compile a format it
 * does not know, so a lenient load keeps the rest of the schema working by leaving out what could not be checked anyway.
 * @example
 * withoutUnknownFormats(schema, findSchemaProblems(schema, "draft-07"));
 */
export function withoutUnknownFormats(schema: JsonSchema, findings: readonly SchemaFinding[]): JsonSchema {
  const formats = findings.filter((finding) => finding.code === "unknown-format");
  if (formats.length === 0 || typeof schema === "boolean") return schema;
  const copy = structuredClone(schema);
  for (const { pointer } of formats) {
    const parent = valueAtPointer(copy, pointer.slice(0, pointer.lastIndexOf("/")));
    if (isRecord(parent)) delete parent["format"];
  }
  return copy;
}
