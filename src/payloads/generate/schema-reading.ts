// Reading an untyped JSON Schema: the guard for schema values, and the E_SCHEMA error for what generation cannot read.
import { CxdaError } from "../../core/errors.js";
import type { JsonSchema } from "../../core/types.js";
import { isRecord } from "../../internal/json-data.js";

/** A schema value: a boolean schema or a schema object. */
export function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "boolean" || isRecord(value);
}

/** The `E_SCHEMA` error for a schema generation cannot work from. */
export function schemaError(message: string, context: Record<string, string> = {}): CxdaError {
  return new CxdaError("E_SCHEMA", message, { context });
}
