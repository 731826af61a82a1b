// Checks of a value against some of the schema's subschemas, and of a string against a format, with the real validator.
import { isCxdaError } from "../../core/errors.js";
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { createValidator, type Validator } from "../../validation/create-validator.js";
import { entryFor, listCache } from "./list-cache.js";
import { isRecord } from "../../internal/json-data.js";

/** Where the wrapper keeps its copy of the root schema, so that the subschemas' local `$ref`s still resolve. */
const ROOT_KEY = "__cxda_root";
/** Keywords whose values are data, not schemas: `$ref` strings inside them are left alone. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples"]);

/** Rewrites every local `$ref` ("#…") to point inside the wrapper's copy of the root schema. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === "$ref" && typeof inner === "string" && (inner === "#" || inner.startsWith("#/")))
      out[key] = `#/definitions/${ROOT_KEY}${inner.slice(1)}`;
    else if (DATA_KEYWORDS.has(key)) out[key] = inner;
    else out[key] = rewriteRefs(inner);
  }
  return out;
}

/**
 * Validators for lists of subschemas of `root`, compiled on first use and kept: a list is compiled as the `allOf` of a
 * wrapper that holds a copy of the root under `definitions`, so refs into the document keep working.
 */
export class SubschemaChecks {
  /** The root as the wrapper holds it; built on the first check. */
  private wrappedRoot: unknown;
  /** By the lists' JSON text: equal lists share a validator; `null` when a list cannot be compiled on its own. */
  private readonly validators = new Map<string, Validator | null>();
  /** By the lists' identity: the same list skips the JSON text. */
  private readonly validatorsByList = listCache<Validator | null>();
  private readonly formatValidators = new Map<string, Validator>();

  constructor(
    private readonly root: JsonSchema,
    private readonly draft: SchemaDraft,
  ) {}

  /** Whether `value` satisfies every schema in `subs`; `undefined` when that cannot be checked locally. */
  accepts(value: unknown, subs: readonly JsonSchema[]): boolean | undefined {
    if (subs.length === 0) return true;
    const validator = this.validatorFor(subs);
    return validator === null ? undefined : validator.validate(value).length === 0;
  }

  /** Whether a string is valid in `format`, as the validator judges it. */
  acceptsFormat(value: string, format: string): boolean {
    let validator = this.formatValidators.get(format);
    if (validator === undefined) {
      validator = createValidator({ type: "string", format }, { side: "input", draft: this.draft });
      this.formatValidators.set(format, validator);
    }
    return validator.validate(value).length === 0;
  }

  private validatorFor(subs: readonly JsonSchema[]): Validator | null {
    const entry = entryFor(this.validatorsByList, subs);
    if (entry.value !== undefined) return entry.value;
    const key = JSON.stringify(subs);
    let validator = this.validators.get(key);
    if (validator !== undefined) return (entry.value = validator);
    this.wrappedRoot ??= this.wrapRoot();
    const wrapper = { definitions: { [ROOT_KEY]: this.wrappedRoot }, allOf: subs.map(rewriteRefs) };
    try {
      validator = createValidator(wrapper as JsonSchema, { side: "input", draft: this.draft });
    } catch (error) {
      if (!isCxdaError(error)) throw error;
      validator = null; // not checkable on its own (an unusual $ref); the whole payload is still validated
    }
    this.validators.set(key, validator);
    entry.value = validator;
    return validator;
  }

  private wrapRoot(): unknown {
    if (!isRecord(this.root)) return this.root;
    // The copy sits below the wrapper: an $id or $schema there would start a new resource and break the refs.
    const { $id: _id, id: _legacyId, $schema: _schema, ...rest } = this.root;
    return rewriteRefs(rest);
  }
}
