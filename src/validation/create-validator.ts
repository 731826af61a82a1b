// The Validator: a compiled JSON Schema for one side of an action, returning issues as data.
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { JsonSchema, SchemaDraft, ValidationIssue } from "../core/types.js";
import { compileSchema } from "./schema-compiler.js";
import { toValidationIssues } from "./issues-from-ajv.js";

/** Checks values against one schema. Compiled once; `validate` can be called any number of times. */
export interface Validator {
  /** Which side of the action the schema guards; copied into every issue. */
  readonly side: "input" | "output";
  /** The draft the schema was compiled with. */
  readonly draft: SchemaDraft;
  /** Strict-mode findings ajv logged while compiling (unknown keywords…): tolerated, but worth showing. */
  readonly warnings: readonly string[];
  /** Every way `value` fails the schema; an empty array when it satisfies it. Never throws for bad data. */
  validate(value: unknown): ValidationIssue[];
}

/** Options for {@link createValidator}. */
export interface ValidatorOptions {
  /** Which side of the action the schema guards. */
  side: "input" | "output";
  /** The draft to compile with. @default the draft named by `$schema`, or draft-07 */
  draft?: SchemaDraft;
}

/**
 * Compiles `schema` (once per draft and content: later calls with an equal schema reuse the compiled code)
 * and returns a validator whose issues are plain data. Treat a schema object as read-only once compiled:
 * the same object is recognised by identity on later calls, so changing it in place is not noticed.
 * @throws CxdaError `E_SCHEMA` when the schema does not compile, naming the side, the schema path when known,
 * and ajv's reason; `context` has `side`, `draft`, `reason` and `schemaPath`.
 * @example
 * const validator = createValidator({ type: "object", properties: { score: { type: "integer" } } }, { side: "output" });
 * validator.validate({ score: "87" }).map(formatIssue); // ['output /score: must be integer, got string "87"']
 */
export function createValidator(schema: JsonSchema, options: ValidatorOptions): Validator {
  const { side } = options;
  let compiled;
  try {
    compiled = compileSchema(schema, options.draft);
  } catch (error) {
    if (isCxdaError(error) && error.code === "E_SCHEMA") {
      const message = error.message.startsWith("the schema ")
        ? `${side} schema ${error.message.slice("the schema ".length)}`
        : `${side} schema: ${error.message}`;
      throw new CxdaError("E_SCHEMA", message, {
        cause: error,
        context: { ...error.context, side },
      });
    }
    throw error;
  }
  const { validate, draft, warnings } = compiled;
  return {
    side,
    draft,
    warnings,
    validate(value: unknown): ValidationIssue[] {
      if (validate(value)) return [];
      return toValidationIssues(validate.errors ?? [], value, side);
    },
  };
}
