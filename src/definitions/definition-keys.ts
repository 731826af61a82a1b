// The keys a definition may have, per shape (with the platforms' own names and why each is accepted), and the unknown ones found.
import type { DefinitionShape, Finding } from "../core/types.js";
import { closestName, meant } from "../internal/did-you-mean.js";
import { CONFIG_KEYS, REQUEST_KEYS, RESPONSE_KEYS } from "./declarative-config.js";
import { isRecord } from "../internal/json-data.js";

/** Keys every shape may carry: what cxda reads (id, name, version, transform) and descriptive metadata. */
const COMMON_KEYS = [
  "id",
  "name",
  "version",
  "transform",
  // Descriptive text: cxda's own format, the emulator's and `cxda init`'s template carry it.
  "description",
  // When the definition last changed: cxda's own format (the bundled example) carries it.
  "updatedAt",
] as const;

/**
 * Genesys Cloud's own keys of a data action, beside `contract`. Documented on the Action object of the Platform API
 * (`GET /api/v2/integrations/actions/{id}`: id, name, category, integrationId, secure, config, contract, version,
 * selfUri) and present in every export of the corpus (`corpus/genesys/`: name, integrationType, actionType, config,
 * contract, secure). None of them changes what cxda validates: `config` is the declarative request/response,
 * `secure` marks actions whose inputs are sensitive, the rest say where the action lives.
 */
const GENESYS_KEYS = ["category", "integrationId", "integrationType", "actionType", "secure", "config", "selfUri"] as const;

/** Genesys' keys inside `contract.input`: the schema, and the derived forms and links its API returns beside it. */
const GENESYS_INPUT_KEYS = ["inputSchema", "inputSchemaFlattened", "inputSchemaUri"] as const;

/**
 * Genesys' keys inside `contract.output`: the success schema cxda validates with, the error schema (the body of a failed
 * request, which cxda does not check) and the derived forms and links its API returns beside them.
 */
const GENESYS_OUTPUT_KEYS = [
  "successSchema",
  "successSchemaFlattened",
  "successSchemaUri",
  "errorSchema",
  "errorSchemaFlattened",
  "errorSchemaUri",
] as const;

/** The keys of `contract`. */
const CONTRACT_KEYS = ["input", "output"] as const;

/** The keys of `schema` when it holds both schemas (`schema: { input, output }` or `{ input, response }`). */
const SCHEMA_PAIR_KEYS = ["input", "output", "response"] as const;

/** The keys of a server-side script. */
const TRANSFORM_KEYS = ["language", "source"] as const;

/** Every key the top level of a definition of `shape` may have. */
function topLevelKeys(shape: DefinitionShape): readonly string[] {
  switch (shape) {
    case "genesys-contract":
      return [...COMMON_KEYS, "contract", ...GENESYS_KEYS];
    case "inputSchema/outputSchema":
      return [...COMMON_KEYS, "inputSchema", "outputSchema"];
    case "schema.input/output":
    case "schema.input/response":
    case "schema-as-output":
      return [...COMMON_KEYS, "schema"];
  }
}

/** The keys that give a definition's schemas, in every shape: a near miss of one of them is the likeliest typo. */
export const SCHEMA_FAMILY_KEYS = ["schema", "inputSchema", "outputSchema", "contract"] as const;

/** One finding per key of `object` not in `known`, at `at` (a slash path; empty for the top level). */
function unknownKeys(object: Record<string, unknown>, known: readonly string[], at: string, where: string): Finding[] {
  const findings: Finding[] = [];
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    // At the top level, a near miss of another shape's schema key (inputShema in a schema.input/output file) is likely.
    const suggestion = closestName(key, at === "" ? [...known, ...SCHEMA_FAMILY_KEYS] : known);
    findings.push({
      severity: "error",
      code: "unknown-key",
      path: at === "" ? key : `${at}/${key}`,
      message: `unknown key "${key}" ${where}: cxda does not read it`,
      hint: suggestion === undefined ? `remove it; ${where} cxda reads ${known.join(", ")}` : meant(key, suggestion),
    });
  }
  return findings;
}

/**
 * The keys of a definition of `shape` that cxda does not know, at the top level and inside the objects it reads
 * (`schema` holding both schemas, `contract`, `contract.input`, `contract.output`, `transform`), each an `unknown-key`
 * finding with its slash path and, when a known key is close, a suggestion. Schemas themselves are not searched here.
 * @example
 * definitionKeyFindings({ schema: {…}, inputShema: {} }, "schema.input/output");
 * // [{ code: "unknown-key", path: "inputShema", hint: 'did you mean "inputSchema"?', … }]
 */
export function definitionKeyFindings(raw: Record<string, unknown>, shape: DefinitionShape): Finding[] {
  const findings = unknownKeys(raw, topLevelKeys(shape), "", `at the top level of a definition of the ${shape} shape`);
  const nested = (value: unknown, known: readonly string[], at: string): void => {
    if (isRecord(value)) findings.push(...unknownKeys(value, known, at, `in ${at}`));
  };
  if (shape === "genesys-contract") {
    const contract = raw["contract"];
    nested(contract, CONTRACT_KEYS, "contract");
    if (isRecord(contract)) {
      nested(contract["input"], GENESYS_INPUT_KEYS, "contract/input");
      nested(contract["output"], GENESYS_OUTPUT_KEYS, "contract/output");
    }
    const config = raw["config"];
    nested(config, CONFIG_KEYS, "config");
    if (isRecord(config)) {
      nested(config["request"], REQUEST_KEYS, "config/request");
      nested(config["response"], RESPONSE_KEYS, "config/response");
    }
  }
  if (shape === "schema.input/output" || shape === "schema.input/response") nested(raw["schema"], SCHEMA_PAIR_KEYS, "schema");
  nested(raw["transform"], TRANSFORM_KEYS, "transform");
  return findings;
}
