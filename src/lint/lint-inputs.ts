// The inputs `cxda lint` renders an action's templates with: generated and boundary inputs, tricky strings in each string input, absent optionals.
import { isCxdaError } from "../core/errors.js";
import type { JsonSchema } from "../core/types.js";
import { isRecord } from "../internal/json-data.js";
import { generatePayloads } from "../payloads/generate-payloads.js";
import { createValidator, type Validator } from "../validation/create-validator.js";
import type { FindingDraft } from "./finding-collector.js";

/** One input the templates are rendered with, and what it is. */
export interface InputVariant {
  /** What it is, for a finding's example: `generated valid #1`, `input.phone holds a quote`… */
  label: string;
  input: Record<string, unknown>;
  /** The top-level inputs the schema declares that this input leaves out. */
  absent: string[];
  /** The string input that holds a tricky string (`phone`, `address.city`), and which one. */
  tricky?: { path: string; name: string };
}

/** A string that breaks templates which insert input without escaping it. */
export interface TrickyString {
  /** How a message names it: "a quote and a newline". */
  name: string;
  value: string;
}

/**
 * The strings put into every string input, one at a time. Genesys warns that an input with special characters makes an
 * action fail unless its template escapes it (`$esc.jsonString`, `$esc.url`): Request configuration,
 * https://help.mypurecloud.com/?p=138534. Each holds one kind of trouble and no other (no space beside the quote), so a
 * finding names the right one; the backslash makes `\s`, since `"\t"` would still be JSON.
 */
export const TRICKY_STRINGS: readonly TrickyString[] = [
  { name: "a quote", value: 'say"hi"' },
  { name: "a newline", value: "line\nbreak" },
  { name: "a quote and a newline", value: 'say"hi"\nbye' },
  { name: "a backslash", value: "back\\slash" },
  { name: "a space", value: "two words" },
  { name: "unicode (an accent, an emoji beyond the BMP, right-to-left text)", value: "Zoë😀שלום" },
  { name: "an empty string", value: "" },
  { name: "a very long string (5000 characters)", value: "abcdefghij".repeat(500) },
];

/** Boundary inputs rendered at most, per action: a wide schema has many, and each is rendered with every template. */
const MAX_BOUNDARY = 40;
/** Generated valid inputs per action. */
const VALID_COUNT = 3;
/** How deep string inputs inside objects are looked for. */
const MAX_DEPTH = 4;

/** The inputs to render with and what could not be generated. */
export interface InputVariants {
  variants: InputVariant[];
  /** Problems met on the way (an input schema no input could be generated for): warnings. */
  problems: FindingDraft[];
  /** Tricky or absent variants the input schema refuses (an enum, a pattern, a maxLength): Genesys would refuse them too. */
  refused: number;
  /** The input with every declared input present (the base of the tricky and absent variants). */
  full: Record<string, unknown>;
}

function declared(schema: JsonSchema): { properties: Record<string, unknown>; required: string[] } {
  if (!isRecord(schema)) return { properties: {}, required: [] };
  const properties = isRecord(schema["properties"]) ? schema["properties"] : {};
  const required = Array.isArray(schema["required"]) ? schema["required"].filter((name): name is string => typeof name === "string") : [];
  return { properties, required };
}

function typesOf(schema: unknown): string[] | undefined {
  if (!isRecord(schema)) return undefined;
  const type = schema["type"];
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === "string") : undefined;
}

/** A value for an input no generated payload had, by its type. */
function sampleFor(schema: unknown): unknown {
  const type = typesOf(schema)?.[0];
  if (type === "integer") return 1;
  if (type === "number") return 1.5;
  if (type === "boolean") return true;
  if (type === "array") return [];
  if (type === "object") return {};
  return "sample";
}

/** Dotted paths of the string inputs (any with no type counts: it may hold a string) under `properties`, present in `value`. */
function stringPaths(properties: Record<string, unknown>, value: Record<string, unknown>, prefix = "", depth = 0): string[] {
  const paths: string[] = [];
  for (const [name, schema] of Object.entries(properties)) {
    if (!Object.hasOwn(value, name)) continue;
    const types = typesOf(schema);
    const child = value[name];
    if (types === undefined || types.includes("string")) paths.push(`${prefix}${name}`);
    else if (types.includes("object") && isRecord(schema) && isRecord(schema["properties"]) && isRecord(child) && depth < MAX_DEPTH) {
      paths.push(...stringPaths(schema["properties"], child, `${prefix}${name}.`, depth + 1));
    }
  }
  return paths;
}

function withString(base: Record<string, unknown>, path: string, text: string): Record<string, unknown> {
  const copy = structuredClone(base);
  const keys = path.split(".");
  let at: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys.at(-1)!] = text;
  return copy;
}

function generated(schema: JsonSchema, seed: string, problems: FindingDraft[]): { valid: Record<string, unknown>[]; boundary: InputVariant[] } {
  const valid: Record<string, unknown>[] = [];
  const boundary: InputVariant[] = [];
  // A schema that says nothing of an object (an action with no input contract) would be given any JSON: an empty
  // input is the one Genesys sends, and a generated trigger envelope would only be noise.
  if (!isRecord(schema) || (schema["type"] !== "object" && !isRecord(schema["properties"]))) return { valid, boundary };
  try {
    for (const { payload } of generatePayloads(schema, { seed, count: VALID_COUNT })) if (isRecord(payload)) valid.push(payload);
    for (const { payload, label } of generatePayloads(schema, { seed, mode: "boundary" }).slice(0, MAX_BOUNDARY)) {
      if (isRecord(payload)) boundary.push({ label: `boundary: ${label}`, input: payload, absent: [] });
    }
  } catch (error) {
    const reason = isCxdaError(error) ? error.message : String(error);
    problems.push({
      severity: "warning",
      code: "inputs-not-generated",
      path: "contract.input.inputSchema",
      message: `no input could be generated from the input schema (${reason}); the templates were rendered with the inputs lint could build by hand`,
      hint: "check the input schema with cxda check",
    });
  }
  return { valid, boundary };
}

/** An input holding every declared top-level input: the first generated one, filled in from the others or by type. */
function fullInput(
  properties: Record<string, unknown>,
  payloads: readonly Record<string, unknown>[],
  accepts: (input: unknown) => boolean,
): Record<string, unknown> {
  const first = payloads[0] ?? {};
  const full = structuredClone(first);
  for (const [name, schema] of Object.entries(properties)) {
    if (Object.hasOwn(full, name)) continue;
    const donor = payloads.find((payload) => Object.hasOwn(payload, name));
    full[name] = donor === undefined ? sampleFor(schema) : structuredClone(donor[name]);
  }
  return accepts(full) ? full : structuredClone(first);
}

function validatorFor(schema: JsonSchema): Validator | undefined {
  try {
    return createValidator(schema, { side: "input" });
  } catch {
    // A schema that does not compile is cxda check's finding; every input is rendered then.
    return undefined;
  }
}

/**
 * The inputs an action's templates are rendered with, deterministic for a seed: generated valid and boundary inputs;
 * an input with every declared input present, and that input with each tricky string in each string input (one at a
 * time) and with each optional input absent (one at a time, then all at once). An input the schema refuses is left
 * out, since Genesys validates the input before it renders anything.
 * @example
 * inputVariants({ type: "object", properties: { q: { type: "string" } } }, "cxda").variants.map((v) => v.label);
 * // ["generated valid #1", …, "input.q holds a quote", …, "optional input.q absent"]
 */
export function inputVariants(schema: JsonSchema, seed: string): InputVariants {
  const problems: FindingDraft[] = [];
  const { properties, required } = declared(schema);
  const validator = validatorFor(schema);
  const accepts = (input: unknown): boolean => validator === undefined || validator.validate(input).length === 0;
  const { valid, boundary } = generated(schema, seed, problems);
  const names = Object.keys(properties);
  const absentFrom = (input: Record<string, unknown>): string[] => names.filter((name) => !Object.hasOwn(input, name));

  const variants: InputVariant[] = valid.map((input, index) => ({ label: `generated valid #${index + 1}`, input, absent: absentFrom(input) }));
  for (const variant of boundary) variants.push({ ...variant, absent: absentFrom(variant.input) });
  const full = fullInput(properties, [...valid, ...boundary.map((variant) => variant.input)], accepts);
  variants.push({ label: "every input given", input: full, absent: absentFrom(full) });

  let refused = 0;
  const offer = (variant: InputVariant): void => {
    if (accepts(variant.input)) variants.push(variant);
    else refused += 1;
  };
  for (const path of stringPaths(properties, full)) {
    for (const tricky of TRICKY_STRINGS) {
      const input = withString(full, path, tricky.value);
      offer({ label: `input.${path} holds ${tricky.name}`, input, absent: absentFrom(input), tricky: { path, name: tricky.name } });
    }
  }
  const optional = names.filter((name) => !required.includes(name) && Object.hasOwn(full, name));
  for (const name of optional) {
    const input = structuredClone(full);
    delete input[name];
    offer({ label: `optional input.${name} absent`, input, absent: absentFrom(input) });
  }
  if (optional.length > 1) {
    const input = structuredClone(full);
    for (const name of optional) delete input[name];
    offer({ label: `every optional input absent (${optional.join(", ")})`, input, absent: absentFrom(input) });
  }
  return { variants, problems, refused, full };
}
