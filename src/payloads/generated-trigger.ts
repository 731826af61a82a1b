// Generated triggers one at a time, by seed and index: what lets each worker build only the triggers of its own batch.
import { CxdaError } from "../core/errors.js";
import type { GeneratedTriggerRef, JsonSchema, SchemaDraft } from "../core/types.js";
import { createGenerationRun, INSTANCE_ATTEMPTS, type GenerationRun } from "./generate/generation-run.js";

/**
 * The `index`-th valid payload of a run, the same as `generatePayloads(schema, { seed, count })[index]` for any
 * count above `index`: each instance is drawn under its own key, so none depends on those before it.
 * @throws CxdaError `E_SCHEMA` when no valid payload could be built.
 */
export function validPayload(run: GenerationRun, index: number): unknown {
  const instance = run.instance(`valid ${index}`, { optionalRate: 0.6, bias: "natural", sites: false });
  if (!("value" in instance)) {
    throw new CxdaError(
      "E_SCHEMA",
      `cannot generate a valid payload (number ${index + 1}, seed ${JSON.stringify(run.seed)}) in ${INSTANCE_ATTEMPTS} attempts: ${instance.failure}`,
      {
        context: { seed: run.seed, index },
      },
    );
  }
  return instance.value;
}

/** Runs kept per source: a long run moves through seeds one after another (`seed`, `seed#1`…). */
const KEPT_RUNS = 4;

/**
 * A source of generated triggers for one input schema: call it with a {@link GeneratedTriggerRef}. The set-up of the
 * most recent seeds is kept, so drawing many triggers of one seed costs one set-up.
 * @example
 * const triggerOf = createTriggerSource(definition.inputSchema, { draft: "draft-07", dataActionId: definition.id });
 * triggerOf({ seed: "ci", index: 41 }); // the 42nd trigger of `cxda test --generate … --seed ci`
 */
export function createTriggerSource(
  schema: JsonSchema,
  options: { draft: SchemaDraft; dataActionId: string },
): (ref: GeneratedTriggerRef) => unknown {
  const runs = new Map<string, GenerationRun>();
  return ({ seed, index }) => {
    let run = runs.get(seed);
    if (run === undefined) {
      if (runs.size >= KEPT_RUNS) runs.delete(runs.keys().next().value!);
      run = createGenerationRun(schema, { seed, draft: options.draft, dataActionId: options.dataActionId });
      runs.set(seed, run);
    }
    return validPayload(run, index);
  };
}
