// The schema as the generator sees it: constraints gathered per list of subschemas (refs followed, allOf merged) and
// checks of values against subschemas.
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { copyConstraints, emptyConstraints, type Constraints } from "./constraints.js";
import { gatherConstraints, type GatherSettings } from "./gather-constraints.js";
import { entryFor, listCache } from "./list-cache.js";
import { createRefResolver } from "./local-refs.js";
import { SubschemaChecks } from "./subschema-checks.js";

/** What the generator knows about the schema it works on. */
export interface SchemaContext {
  readonly root: JsonSchema;
  readonly draft: SchemaDraft;
  /**
   * Gathers the constraints of `subs` (all of which apply to one value). Gathered once per list of schema objects
   * (by identity) and shared after that: treat the result as read-only, and {@link SchemaContext.copy} it to add more.
   */
  constraintsOf(subs: readonly JsonSchema[]): Constraints;
  /** Adds one more schema's constraints (a chosen branch) to `target`. */
  absorb(target: Constraints, schema: JsonSchema): void;
  /** A copy that can take more constraints without changing `source`. */
  copy(source: Constraints): Constraints;
  /** Whether `value` satisfies every schema in `subs`; `undefined` when that cannot be checked locally. */
  accepts(value: unknown, subs: readonly JsonSchema[]): boolean | undefined;
  /** Whether a string is valid in `format`, as the validator judges it. */
  acceptsFormat(value: string, format: string): boolean;
}

/**
 * Builds the generator's view of `root`. Only local `$ref`s are supported: JSON Pointers into the document
 * (`#/definitions/…`, `#/$defs/…`, `#`), also when prefixed with the root's own `$id`.
 * @example
 * const context = createSchemaContext({ allOf: [{ type: "integer" }, { minimum: 3 }] }, "draft-07");
 * context.constraintsOf([context.root]).minimum; // 3
 */
export function createSchemaContext(root: JsonSchema, draft: SchemaDraft): SchemaContext {
  const settings: GatherSettings = { draft, resolveRef: createRefResolver(root) };
  const checks = new SubschemaChecks(root, draft);
  // Generation asks for the same lists of subschemas for every instance: gather each list once.
  const gathered = listCache<Constraints>();
  const absorb = (target: Constraints, schema: JsonSchema): void => {
    target.subs.push(schema);
    gatherConstraints(target, schema, settings);
  };

  return {
    root,
    draft,
    acceptsFormat: (value, format) => checks.acceptsFormat(value, format),
    constraintsOf(subs) {
      const entry = entryFor(gathered, subs);
      if (entry.value !== undefined) return entry.value;
      const target = emptyConstraints();
      for (const sub of subs) absorb(target, sub);
      return (entry.value = target);
    },
    absorb,
    copy: copyConstraints,
    accepts: (value, subs) => checks.accepts(value, subs),
  };
}
