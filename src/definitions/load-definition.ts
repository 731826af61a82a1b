// Loads a data action definition in any supported shape and normalises it to an ActionDefinition.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { ActionDefinition, DefinitionShape, Finding, JsonSchema, SchemaDraft, StrictMode } from "../core/types.js";
import { closestName, meant } from "../internal/did-you-mean.js";
import { parseJsonText, readTextFile } from "../internal/json-file.js";
import { duplicateKeys, type DuplicateKey } from "../internal/duplicate-keys.js";
import { createValidator } from "../validation/create-validator.js";
import { detectDraft } from "../validation/detect-draft.js";
import { escapePointerSegment } from "../validation/json-pointer.js";
import { findSchemaProblems, withoutUnknownFormats } from "../validation/schema-findings.js";
import { definitionKeyFindings, SCHEMA_FAMILY_KEYS } from "./definition-keys.js";
import { readDeclarativeConfig } from "./declarative-config.js";
import { isRecord, kindOf } from "../internal/json-data.js";

/** Options for {@link normaliseDefinition}. */
export interface NormaliseOptions {
  /** The file the definition came from; named in every error and kept in `meta.file`. */
  file?: string;
  /** The id to use when the definition has none (e.g. the action's folder name). */
  fallbackId?: string;
  /**
   * Unknown keys, schema keywords and formats: `true` makes them an error (a typo such as `minLenght` would otherwise
   * switch a check off without a word); `"warn"` keeps them in `meta.warnings`, for definitions exported from
   * platforms with names of their own, and leaves unknown formats unchecked.
   * @default true
   * @example "warn"
   */
  strict?: StrictMode;
  /**
   * Keys the definition's file holds twice in one object ({@link duplicateKeys} of its text): findings like unknown
   * keys, since `JSON.parse` kept only the last of each and the first is lost.
   */
  duplicateKeys?: readonly DuplicateKey[];
}

/** Options for {@link loadDefinition}. */
export interface LoadDefinitionOptions {
  /** The id to use when the definition has none (e.g. the action's folder name). */
  fallbackId?: string;
  /** See {@link NormaliseOptions.strict}. @default true */
  strict?: StrictMode;
}

/** A schema found in the raw definition, with the dotted path it was found at. */
interface Located {
  schema: JsonSchema;
  path: string;
}

interface Found {
  shape: DefinitionShape;
  input: Located | undefined;
  output: Located;
}

const OUTPUT_EXPECTATION =
  "expected schema.output, schema.response, schema (the output schema itself), outputSchema or contract.output.successSchema";

/** Raised for a structural problem with the definition; the message starts with the file (or "definition"). */
function definitionError(label: string, problem: string, context: { file?: string | undefined; path?: string }): CxdaError {
  return new CxdaError("E_DEFINITION", `${label}: ${problem}`, { context });
}

/**
 * ` (found "outputShema": did you mean "outputSchema"?)` for the first key of `object` close to one of `wanted`, else
 * "". Keys that are right where they are (`present`: inputSchema beside the missing outputSchema) are not near misses.
 */
function nearMiss(object: unknown, wanted: readonly string[], present: readonly string[] = []): string {
  if (!isRecord(object)) return "";
  for (const key of Object.keys(object)) {
    if (wanted.includes(key) || present.includes(key)) continue;
    const suggestion = closestName(key, wanted);
    if (suggestion !== undefined) return ` (found "${key}": ${meant(key, suggestion)})`;
  }
  return "";
}

/** Reads the three shape families off the raw object and picks the one present. */
function findSchemas(raw: Record<string, unknown>, label: string, file: string | undefined): Found {
  const families = [
    raw["contract"] !== undefined ? "contract" : undefined,
    raw["schema"] !== undefined ? "schema" : undefined,
    raw["inputSchema"] !== undefined || raw["outputSchema"] !== undefined ? "inputSchema/outputSchema" : undefined,
  ].filter((f): f is string => f !== undefined);
  if (families.length > 1) {
    throw definitionError(label, `ambiguous definition: it has both ${families.join(" and ")}; keep only one way of giving the schemas`, { file });
  }

  const located = (value: unknown, path: string): Located => {
    if (typeof value === "boolean" || isRecord(value)) return { schema: value, path };
    throw definitionError(label, `${path} must be a JSON Schema (an object or a boolean), got ${kindOf(value)}`, { file, path });
  };
  const optional = (value: unknown, path: string): Located | undefined => (value === undefined || value === null ? undefined : located(value, path));

  switch (families[0]) {
    case "contract": {
      const contract = raw["contract"];
      if (!isRecord(contract)) throw definitionError(label, `contract must be an object, got ${kindOf(contract)}`, { file, path: "contract" });
      const input = contract["input"];
      const output = contract["output"];
      if (input !== undefined && !isRecord(input))
        throw definitionError(label, `contract.input must be an object, got ${kindOf(input)}`, { file, path: "contract.input" });
      if (!isRecord(output) || output["successSchema"] === undefined) {
        throw definitionError(
          label,
          `no output schema found at contract.output.successSchema; a Genesys export needs contract.output.successSchema${nearMiss(output, ["successSchema"])}`,
          {
            file,
            path: "contract.output.successSchema",
          },
        );
      }
      return {
        shape: "genesys-contract",
        input: optional(input?.["inputSchema"], "contract.input.inputSchema"),
        output: located(output["successSchema"], "contract.output.successSchema"),
      };
    }
    case "schema": {
      const schema = raw["schema"];
      if (isRecord(schema) && (schema["output"] !== undefined || schema["response"] !== undefined)) {
        if (schema["output"] !== undefined && schema["response"] !== undefined) {
          throw definitionError(label, "schema has both output and response; keep one of them as the output schema", { file, path: "schema" });
        }
        const key = schema["output"] !== undefined ? "output" : "response";
        return {
          shape: key === "output" ? "schema.input/output" : "schema.input/response",
          input: optional(schema["input"], "schema.input"),
          output: located(schema[key], `schema.${key}`),
        };
      }
      if (isRecord(schema) && schema["input"] !== undefined) {
        // {input} alone is an unfinished schema.input/output, not an output schema with a stray "input" key.
        throw definitionError(
          label,
          `schema.input is present but no output schema found: expected schema.output or schema.response${nearMiss(schema, ["output", "response"], ["input"])}`,
          {
            file,
            path: "schema",
          },
        );
      }
      return { shape: "schema-as-output", input: undefined, output: located(schema, "schema") };
    }
    case "inputSchema/outputSchema": {
      if (raw["outputSchema"] === undefined) {
        throw definitionError(
          label,
          `inputSchema is present but no output schema found: expected outputSchema next to it${nearMiss(raw, ["outputSchema"], ["inputSchema"])}`,
          {
            file,
            path: "outputSchema",
          },
        );
      }
      return {
        shape: "inputSchema/outputSchema",
        input: optional(raw["inputSchema"], "inputSchema"),
        output: located(raw["outputSchema"], "outputSchema"),
      };
    }
    default:
      // A near miss of a schema key (outputShema) is the likeliest reason none was found: name it.
      throw definitionError(label, `no output schema found: ${OUTPUT_EXPECTATION}${nearMiss(raw, SCHEMA_FAMILY_KEYS)}`, { file });
  }
}

/** Genesys export names carry an export stamp (" - Exported 2024-12-05 @ 13:36") that is not part of the name. */
function slugOf(name: string): string {
  return name
    .replace(/\s+-\s+Exported\s.*$/i, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function resolveId(raw: Record<string, unknown>, label: string, file: string | undefined, fallbackId: string | undefined): string {
  const id = raw["id"];
  if (typeof id === "string" && id.trim() !== "") return id;
  if (typeof id === "number" && Number.isFinite(id)) return String(id);
  if (id !== undefined && id !== null && id !== "") throw definitionError(label, `id must be a string, got ${kindOf(id)}`, { file, path: "id" });
  if (fallbackId !== undefined && fallbackId !== "") return fallbackId;
  const name = raw["name"];
  const slug = typeof name === "string" ? slugOf(name) : "";
  if (slug !== "") return slug;
  throw definitionError(label, 'the definition has no id and no name to derive one from; add an "id" field (or load it from its action folder)', {
    file,
    path: "id",
  });
}

function resolveTransform(value: unknown, label: string, file: string | undefined): ActionDefinition["transform"] {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value))
    throw definitionError(label, `transform must be an object { language, source }, got ${kindOf(value)}`, { file, path: "transform" });
  const language = value["language"] ?? "javascript";
  if (language !== "javascript") {
    throw definitionError(label, `transform.language ${JSON.stringify(language)} is not supported; only "javascript" transforms can run`, {
      file,
      path: "transform.language",
    });
  }
  const source = value["source"];
  if (typeof source !== "string")
    throw definitionError(label, `transform.source must be a string of JavaScript, got ${kindOf(source)}`, { file, path: "transform.source" });
  return { language, source };
}

/** The schema's draft, as an E_SCHEMA error naming the file and where the schema sits when `$schema` is unknown. */
function draftOf(located: Located, label: string, file: string | undefined): SchemaDraft {
  try {
    return detectDraft(located.schema);
  } catch (error) {
    if (!isCxdaError(error)) throw error;
    throw new CxdaError("E_SCHEMA", `${label}: ${located.path}: ${error.message}`, {
      cause: error,
      context: { ...error.context, file, path: located.path },
    });
  }
}

/** Compiles the schema now, so a broken schema is reported when the definition loads rather than on the first case. */
function compileOrExplain(side: "input" | "output", located: Located, draft: SchemaDraft, label: string, file: string | undefined): void {
  try {
    createValidator(located.schema, { side, draft });
  } catch (error) {
    if (!isCxdaError(error) || error.code !== "E_SCHEMA") throw error;
    const detail = error.message.startsWith(`${side} schema `) ? error.message.slice(`${side} schema `.length) : error.message;
    throw new CxdaError("E_SCHEMA", `${label}: the ${side} schema at ${located.path} ${detail}`, {
      cause: error,
      context: { ...error.context, file, path: located.path },
    });
  }
}

/** A located schema's unknown keywords and formats as findings (slash paths from the file's root), and the schema to compile. */
function checkSchema(located: Located, draft: SchemaDraft, file: string | undefined): { findings: Finding[]; schema: JsonSchema } {
  const problems = findSchemaProblems(located.schema, draft);
  const base = located.path.split(".").map(escapePointerSegment).join("/");
  const findings = problems.map((problem): Finding => ({
    severity: "error",
    code: problem.code,
    ...(file === undefined ? {} : { file }),
    path: `${base}${problem.pointer}`,
    message: problem.message,
    hint: problem.hint,
  }));
  return { findings, schema: withoutUnknownFormats(located.schema, problems) };
}

/** The error a strict load throws for its findings: the first in full, and how many more. */
function strictError(label: string, file: string | undefined, findings: Finding[]): CxdaError {
  const first = findings[0]!;
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more: \`cxda check\` lists them all)` : "";
  // A name with no near miss may be a platform's own; say how to let such names through.
  const vendor =
    first.hint?.startsWith("did you mean") === true || first.code === "duplicate-key"
      ? ""
      : '; if it is a name of the platform the definition came from, set strict: "warn" in the config';
  return new CxdaError(
    first.code === "unknown-key" || first.code === "duplicate-key" ? "E_DEFINITION" : "E_SCHEMA",
    `${label}: ${first.path}: ${first.message} (${first.hint})${more}${vendor}`,
    {
      context: { file, path: first.path, finding: first.code },
    },
  );
}

/**
 * Turns a raw definition of any supported shape into an {@link ActionDefinition}, and compiles both schemas
 * so an invalid one is rejected now. Shapes: `schema: { input, output }`, `schema: { input, response }`,
 * `schema` alone as the output schema, top-level `inputSchema`/`outputSchema`, and a Genesys export's
 * `contract.input.inputSchema`/`contract.output.successSchema`. A missing input schema becomes `true`.
 * The id is `id`, else `fallbackId`, else a slug of `name` (Genesys exports carry no id).
 * The schemas are copied, so later changes to `raw` do not reach the result.
 * Unknown keys (top-level, and inside `schema`, `contract`, `transform`), schema keywords and formats are errors with
 * their path and a did-you-mean; with `strict: "warn"` they are kept in `meta.warnings` instead, and a format cxda
 * cannot check is left out of the normalised schema. Genesys' own keys (`config`, `secure`, `integrationId`…) are known.
 * @throws CxdaError `E_DEFINITION` for a structural problem (no output schema, a schema that is not an object
 * or boolean, no id…) or an unknown key, `E_SCHEMA` for an unknown `$schema`, keyword or format, or a schema that does
 * not compile; both name the file.
 * @example
 * const definition = normaliseDefinition(JSON.parse(text), { file: "actions/billing/definition.json", fallbackId: "billing" });
 * definition.meta.shape; // "schema.input/output"
 */
export function normaliseDefinition(raw: unknown, options: NormaliseOptions = {}): ActionDefinition {
  const { file, fallbackId, strict = true } = options;
  const label = file ?? "definition";
  if (!isRecord(raw)) throw definitionError(label, `expected a JSON object at the top level, got ${kindOf(raw)}`, { file });

  const found = findSchemas(raw, label, file);
  const id = resolveId(raw, label, file, fallbackId);
  const name = raw["name"];
  if (name !== undefined && name !== null && typeof name !== "string")
    throw definitionError(label, `name must be a string, got ${kindOf(name)}`, { file, path: "name" });
  const version = raw["version"] ?? null;
  if (version !== null && typeof version !== "string" && typeof version !== "number") {
    throw definitionError(label, `version must be a string or a number, got ${kindOf(version)}`, { file, path: "version" });
  }
  const transform = resolveTransform(raw["transform"], label, file);
  const config = found.shape === "genesys-contract" ? readDeclarativeConfig(raw["config"], label, file) : undefined;

  const input: Located = found.input ?? { schema: true, path: "(none: accepts any input)" };
  const inputDraft = draftOf(input, label, file);
  const outputDraft = draftOf(found.output, label, file);
  const checkedInput = checkSchema(input, inputDraft, file);
  const checkedOutput = checkSchema(found.output, outputDraft, file);
  const keyFindings = definitionKeyFindings(raw, found.shape).map((finding) => (file === undefined ? finding : { ...finding, file }));
  const findings = [...duplicateFindings(options.duplicateKeys ?? [], file), ...keyFindings, ...checkedInput.findings, ...checkedOutput.findings];
  if (strict === true && findings.length > 0) throw strictError(label, file, findings);
  compileOrExplain("input", { ...input, schema: checkedInput.schema }, inputDraft, label, file);
  compileOrExplain("output", { ...found.output, schema: checkedOutput.schema }, outputDraft, label, file);

  let inputSchema: JsonSchema;
  let outputSchema: JsonSchema;
  try {
    inputSchema = structuredClone(checkedInput.schema);
    outputSchema = structuredClone(checkedOutput.schema);
  } catch (error) {
    throw new CxdaError("E_DEFINITION", `${label}: the schemas must be plain JSON data (${error instanceof Error ? error.message : String(error)})`, {
      cause: error,
      context: { file },
    });
  }

  return {
    id,
    name: typeof name === "string" && name !== "" ? name : id,
    version,
    inputSchema,
    outputSchema,
    ...(transform === undefined ? {} : { transform }),
    ...(config === undefined ? {} : { config }),
    meta: {
      shape: found.shape,
      inputDraft,
      outputDraft,
      ...(file === undefined ? {} : { file }),
      ...(findings.length === 0 ? {} : { warnings: findings.map((finding): Finding => ({ ...finding, severity: "warning" })) }),
    },
  };
}

/** Each key written twice as a finding at its second place: JSON keeps only the last, so the first is ignored. */
function duplicateFindings(duplicates: readonly DuplicateKey[], file: string | undefined): Finding[] {
  return duplicates.map((duplicate) => ({
    severity: "error",
    code: "duplicate-key",
    ...(file === undefined ? {} : { file }),
    path: duplicate.path,
    line: duplicate.line,
    column: duplicate.column,
    message: `the key "${duplicate.key}" appears twice in one object: JSON keeps only the last, so the first is ignored`,
    hint: "merge the two into one, or remove one",
  }));
}

/**
 * Loads a definition from a file (a directory means `<dir>/definition.json`) or normalises an object directly.
 * Malformed JSON is reported as `file:line:column`.
 * @throws CxdaError `E_DEFINITION` for a missing, unreadable or malformed file or a structural problem,
 * `E_SCHEMA` for a schema that does not compile.
 * @example
 * const definition = await loadDefinition("actions/billing-callback", { fallbackId: "billing-callback" });
 * definition.outputSchema; // the schema the transform's output must satisfy
 */
export async function loadDefinition(source: string | object, options: LoadDefinitionOptions = {}): Promise<ActionDefinition> {
  const extra = {
    ...(options.fallbackId === undefined ? {} : { fallbackId: options.fallbackId }),
    ...(options.strict === undefined ? {} : { strict: options.strict }),
  };
  if (typeof source !== "string") return normaliseDefinition(source, extra);
  let file = source;
  try {
    if ((await stat(source)).isDirectory()) file = join(source, "definition.json");
  } catch {
    // A missing path is reported by readTextFile, with the file name.
  }
  const text = await readTextFile(file, "E_DEFINITION");
  return normaliseDefinition(parseJsonText(text, file, "E_DEFINITION"), { file, ...extra, duplicateKeys: duplicateKeys(text) });
}
