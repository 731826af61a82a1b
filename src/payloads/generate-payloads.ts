// Schema-driven payloads: valid instances, boundary cases and single-rule mutations of any input schema, each checked by the validator.
import { CxdaError } from "../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../core/types.js";
import { detectDraft } from "../validation/detect-draft.js";
import { DEFAULT_DATA_ACTION_ID } from "./create-payload.js";
import { boundaryCases } from "./generate/boundary-cases.js";
import { createGenerationRun } from "./generate/generation-run.js";
import { validPayload } from "./generated-trigger.js";
import { invalidMutations } from "./generate/invalid-mutations.js";
import { MAX_GENERATED } from "./generate-limits.js";

/** What to generate: valid instances, valid payloads at the schema's edges, or payloads that each break one rule. */
export type GenerateMode = "valid" | "boundary" | "invalid";

/** Options of {@link generatePayloads}. */
export interface GeneratePayloadsOptions {
  /** How many payloads. @default 5 in valid mode; every case found in boundary and invalid modes */
  count?: number;
  /** Makes the output reproducible: the same seed gives the same payloads on every run and machine. @default "cxda" */
  seed?: string | number;
  /** @default "valid" */
  mode?: GenerateMode;
  /** The draft the schema is read and validated as. @default the draft named by `$schema`, or draft-07 */
  draft?: SchemaDraft;
  /** The action a trigger-shaped payload is addressed to (its `dataActionId`). @default "da-test-12345" */
  dataActionId?: string;
}

/** {@link GeneratePayloadsOptions} with every default applied. */
export interface ResolvedGeneratePayloadsOptions {
  /** `Infinity` means every case (boundary and invalid modes). */
  count: number;
  seed: string;
  mode: GenerateMode;
  draft: SchemaDraft;
  dataActionId: string;
}

/** A generated payload that satisfies the schema, and what it is (`valid #1`, `/tier absent (optional)`…). */
export interface GeneratedPayload {
  payload: unknown;
  label: string;
}

/** A payload that breaks exactly one rule: the JSON Schema keyword, the JSON Pointer where, and a readable label. */
export interface InvalidPayload {
  rule: string;
  path: string;
  payload: unknown;
  label: string;
}

const MODES: readonly GenerateMode[] = ["valid", "boundary", "invalid"];

/**
 * Applies the defaults of {@link generatePayloads} and rejects bad values.
 * @throws CxdaError `E_USAGE` for a count that is not a whole number from 1 to 100000, an unknown mode or an empty seed;
 * `E_SCHEMA` for a `$schema` cxda does not know.
 * @example
 * resolveGeneratePayloadsOptions({ type: "object" }, { mode: "invalid" }); // { count: Infinity, seed: "cxda", mode: "invalid", draft: "draft-07", … }
 */
export function resolveGeneratePayloadsOptions(schema: JsonSchema, options: GeneratePayloadsOptions = {}): ResolvedGeneratePayloadsOptions {
  const mode = options.mode ?? "valid";
  if (!MODES.includes(mode)) throw new CxdaError("E_USAGE", `mode must be one of ${MODES.join(", ")}, got ${JSON.stringify(mode)}`);
  const count = options.count ?? (mode === "valid" ? 5 : Infinity);
  if (count !== Infinity && (!Number.isInteger(count) || count < 1 || count > MAX_GENERATED)) {
    throw new CxdaError("E_USAGE", `count must be a whole number from 1 to ${MAX_GENERATED}, got ${String(options.count)}`);
  }
  const seed = options.seed ?? "cxda";
  if ((typeof seed !== "string" && typeof seed !== "number") || (typeof seed === "number" && !Number.isFinite(seed)) || String(seed) === "") {
    throw new CxdaError("E_USAGE", `seed must be a non-empty string or a finite number, got ${JSON.stringify(seed)}`);
  }
  const dataActionId = options.dataActionId ?? DEFAULT_DATA_ACTION_ID;
  if (typeof dataActionId !== "string" || dataActionId === "") throw new CxdaError("E_USAGE", "dataActionId must be a non-empty string");
  return { count, seed: String(seed), mode, draft: options.draft ?? detectDraft(schema), dataActionId };
}

/**
 * Generates payloads from a JSON Schema, reproducibly for a seed. Generation is planned from the schema itself:
 * objects (required always, optional sometimes; additionalProperties, patternProperties, min/maxProperties,
 * dependentRequired), arrays (tuples, min/maxItems, uniqueItems, contains), enum and const, type unions, string
 * formats (date-time, date, time, email, uri, uuid, hostname, ipv4, ipv6…), patterns (generated from the regex,
 * together with minLength/maxLength), numbers with minimum/maximum, exclusive bounds and multipleOf, allOf (merged),
 * anyOf, oneOf (exactly one branch matches), not, if/then/else, local `$ref`s and boolean schemas. Values take
 * their look from field names (`customerId` → `CUST-4821`, `email` → an address); when the schema is a trigger
 * envelope (interaction, contact, data) they come from a realistic trigger, with dates around a seeded day.
 *
 * Every payload is checked with the validator before it is returned; one that fails is built again (up to 20 times),
 * and a schema no payload can be built for is reported, never answered with invalid data.
 * - `valid`: `count` instances labelled `valid #1`…
 * - `boundary`: valid payloads at the schema's edges, each labelled (see `boundaryCases`).
 * - `invalid`: `{ rule, path, payload, label }` mutations of a valid payload, each confirmed to break exactly `rule` at `path`.
 * @throws CxdaError `E_USAGE` for bad options; `E_SCHEMA` for a schema that does not compile, a `$ref` that is not
 * local, or a schema no valid payload could be built for (the message names the place and the keyword, e.g. the pattern).
 * @example
 * const [first] = generatePayloads(definition.inputSchema, { count: 3, seed: 42 });
 * first.label; // "valid #1"
 * const broken = generatePayloads(definition.inputSchema, { mode: "invalid" });
 * broken[0]; // { rule: "type", path: "/dataActionId", payload: {…}, label: "type: /dataActionId is number 12345, expected string" }
 */
export function generatePayloads(schema: JsonSchema, options: GeneratePayloadsOptions & { mode: "invalid" }): InvalidPayload[];
export function generatePayloads(schema: JsonSchema, options?: GeneratePayloadsOptions): GeneratedPayload[];
export function generatePayloads(schema: JsonSchema, options: GeneratePayloadsOptions = {}): GeneratedPayload[] | InvalidPayload[] {
  const resolved = resolveGeneratePayloadsOptions(schema, options);
  const run = createGenerationRun(schema, resolved);
  if (resolved.mode === "boundary") return boundaryCases(run, resolved.count);
  if (resolved.mode === "invalid") return invalidMutations(run, resolved.count);
  const out: GeneratedPayload[] = [];
  for (let i = 0; i < resolved.count; i++) out.push({ payload: validPayload(run, i), label: `valid #${i + 1}` });
  return out;
}
