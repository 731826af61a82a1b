// The trigger an action gets when none is given and its folder has no trigger.json: the CXone trigger envelope when
// the action's input schema accepts it, else a payload generated from the input schema itself (a Genesys action's
// input, or any other platform's, is not a CXone envelope).
import { CxdaError } from "../core/errors.js";
import type { ActionDefinition } from "../core/types.js";
import { createValidator } from "../validation/create-validator.js";
import { createPayload } from "./create-payload.js";
import { isPlainObject } from "./deep-merge.js";
import { generatePayloads } from "./generate-payloads.js";

/** Where {@link generatedTriggerFor}'s trigger came from. */
export interface GeneratedTrigger {
  trigger: Record<string, unknown>;
  /** The seed it was generated with: the same seed gives the same trigger. */
  seed: string;
}

/** The seed `cxda run` uses when given none. */
export const RUN_TRIGGER_SEED = "cxda run";

/**
 * Whether the input schema describes the CXone envelope: it names one of its parts (or none of its own properties) and
 * the envelope satisfies it. A permissive schema of other fields (`{ properties: { CONVERSATION_ID: … } }`, as many
 * Genesys exports have) accepts the envelope too, but the action reads its own fields, so it gets them generated.
 */
function takesEnvelope(definition: ActionDefinition): boolean {
  const schema = definition.inputSchema;
  const properties = isPlainObject(schema) && isPlainObject(schema.properties) ? Object.keys(schema.properties) : [];
  if (properties.length > 0 && !ENVELOPE_PARTS.some((part) => properties.includes(part))) return false;
  const validator = createValidator(schema, { side: "input", draft: definition.meta.inputDraft });
  return validator.validate(createPayload({}, { dataActionId: definition.id })).length === 0;
}

const ENVELOPE_PARTS = ["interaction", "contact", "data"];

/**
 * A trigger generated from the action's input schema when that schema does not describe the CXone envelope;
 * `undefined` when it does (the runner's own envelope is then the right default).
 * @throws CxdaError `E_USAGE` when the input schema's payloads are not JSON objects (no trigger can carry them)
 * @example
 * generatedTriggerFor(genesysAction)?.trigger; // { email: "ana.silva@example.com" }
 */
export function generatedTriggerFor(definition: ActionDefinition, seed: string = RUN_TRIGGER_SEED): GeneratedTrigger | undefined {
  if (takesEnvelope(definition)) return undefined;
  const [generated] = generatePayloads(definition.inputSchema, { count: 1, seed, draft: definition.meta.inputDraft, dataActionId: definition.id });
  if (generated === undefined || !isPlainObject(generated.payload))
    throw new CxdaError(
      "E_USAGE",
      `${definition.id}: the input schema's payloads are not JSON objects, so no trigger can be generated; give one with --payload`,
    );
  return { trigger: generated.payload, seed };
}
