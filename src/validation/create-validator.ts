// The Validator: a compiled JSON Schema for one side of an action, returning issues as data.
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { JsonSchema, SchemaDraft, ValidationIssue } from "../core/types.js";
import { detectDraft } from "./detect-draft.js";
import { compileSchema } from "./schema-compiler.js";
import { findSchemaProblems, withoutUnknownFormats, type SchemaFinding } from "./schema-findings.js";
import { toValidationIssues } from "./issues-from-ajv.js";

/** Checks values against one schema. Compiled once; `validate` can be called any number of times. */
export interface Validator {
  /** Which side of the action the schema guards; copied into every issue. */
  readonly side: "input" | "output";
  /** The draft the schema was compiled with. */
  readonly draft: SchemaDraft;
  /**
   * What was tolerated while compiling, worth showing: unknown keywords (and, with `strict: "warn"`, unknown formats),
   * each as `#/pointer: message (hint)`.
   */
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
  /**
   * Keywords the draft does not define and formats cxda cannot check. `true`: an `E_SCHEMA` error naming the first of
   * them, its schema path and the known name it is probably a typo of. `"warn"`: each one in `warnings`, and an unknown
   * format is left unchecked. `false`: ajv's own rules, an unknown keyword in `warnings` and an unknown format an error.
   * Definitions are checked when they load (`strict` there defaults to `true`), so their validators need not be.
   * @default false
   * @example true
   */
  strict?: boolean | "warn";
}

/** `#/pointer: message (hint)`, as a warning line. */
function describeFinding(finding: SchemaFinding): string {
  return `#${finding.pointer}: ${finding.message} (${finding.hint})`;
}

/** The schema to compile, and the findings to report, for `strict`; throws for the first finding when strict. */
function applyStrictness(schema: JsonSchema, options: ValidatorOptions): { schema: JsonSchema; findings: SchemaFinding[] } {
  const strict = options.strict ?? false;
  // Anything but a schema is refused by the compiler, with its own message.
  if (strict === false || (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null))) return { schema, findings: [] };
  const draft = options.draft ?? detectDraft(schema);
  const findings = findSchemaProblems(schema, draft);
  const first = findings[0];
  if (strict === true && first !== undefined) {
    const more = findings.length > 1 ? ` (and ${findings.length - 1} more unknown name${findings.length > 2 ? "s" : ""})` : "";
    // Worded as the compiler's own errors ("the schema …"), which createValidator prefixes with the side.
    throw new CxdaError("E_SCHEMA", `the schema is invalid at #${first.pointer}: ${first.message} (${first.hint})${more}`, {
      context: {
        draft,
        reason: first.message,
        schemaPath: `#${first.pointer}`,
        ...(first.suggestion === undefined ? {} : { suggestion: first.suggestion }),
      },
    });
  }
  return { schema: withoutUnknownFormats(schema, findings), findings };
}

/**
 * Compiles `schema` (once per draft and content: later calls with an equal schema reuse the compiled code)
 * and returns a validator whose issues are plain data. Treat a schema object as read-only once compiled:
 * the same object is recognised by identity on later calls, so changing it in place is not noticed.
 * @throws CxdaError `E_SCHEMA` when the schema does not compile (or, with `strict: true`, names a keyword or format
 * that would check nothing), naming the side, the schema path when known, and the reason; `context` has `side`,
 * `draft`, `reason` and `schemaPath`, and `suggestion` for a likely typo.
 * @example
 * const validator = createValidator({ type: "object", properties: { score: { type: "integer" } } }, { side: "output" });
 * validator.validate({ score: "87" }).map(formatIssue); // ['output /score: must be integer, got string "87"']
 */
export function createValidator(schema: JsonSchema, options: ValidatorOptions): Validator {
  const { side } = options;
  let strictness: ReturnType<typeof applyStrictness>;
  let compiled;
  try {
    strictness = applyStrictness(schema, options);
    compiled = compileSchema(strictness.schema, options.draft);
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
  const { validate, draft } = compiled;
  // With `strict` set, the walk's findings (with their paths and suggestions) replace ajv's pathless unknown-keyword lines.
  const warnings =
    options.strict === undefined || options.strict === false
      ? compiled.warnings
      : [...strictness.findings.map(describeFinding), ...compiled.warnings.filter((line) => !line.startsWith("strict mode: unknown keyword"))];
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
