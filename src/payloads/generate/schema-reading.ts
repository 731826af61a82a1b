// Reading an untyped JSON Schema: guards for records and schema values, and the E_SCHEMA error for what generation cannot read.
import { CxdaError } from "../../core/errors.js";
import type { JsonSchema } from "../../core/types.js";

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A schema value: a boolean schema or a schema object. */
export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || isRecord(value);
}

/** The `E_SCHEMA` error for a schema generation cannot work from. */
export function schemaError(message: string, context: Record<string, string> = {}): CxdaError {
  return new CxdaError("E_SCHEMA", message, { context });
}
