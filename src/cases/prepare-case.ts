// Turns a case definition into a prepared case: the full trigger, the variables and the fixed clock.
import { CxdaError } from "../core/errors.js";
import type { CaseDefinition, PreparedCase } from "../core/types.js";
import { createPayload } from "../payloads/create-payload.js";
import { setPath, unsetPath } from "../payloads/dotted-path.js";

/** The clock used when neither the case nor its trigger names a time, so runs stay reproducible. */
export const DEFAULT_CASE_NOW = "2026-01-01T00:00:00.000Z";

/** What a case is prepared against. */
export interface CaseContext {
  actionId: string;
  /** The action's default trigger (its `trigger.json`), when it has one. */
  defaultTrigger?: Record<string, unknown>;
  /** Variables of the whole run; a case's own `vars` win. */
  vars: Record<string, unknown>;
}

/**
 * Resolves a case's trigger (its `payload`, else the action's default trigger, else a generated one seeded by the case
 * name), applies `set` then `unset`, merges variables, and fixes the clock (`now`, else the trigger's timestamp).
 * @example
 * prepareCase({ name: "standard tier", set: { "contact.attributes.tier": "standard" } }, { actionId: "da-1", vars: {} });
 */
export function prepareCase(definition: CaseDefinition, context: CaseContext): PreparedCase {
  const where = definition.source ?? definition.name;
  // The trigger is copied only when set/unset will change it: the worker gets its own copy on the way anyway, and
  // nothing on this side writes to it.
  const changes = (definition.set !== undefined && Object.keys(definition.set).length > 0) || (definition.unset?.length ?? 0) > 0;
  const given = definition.payload ?? context.defaultTrigger;
  const trigger: Record<string, unknown> =
    given !== undefined
      ? changes
        ? structuredClone(given)
        : given
      : (createPayload({}, { seed: definition.name, now: definition.now ?? DEFAULT_CASE_NOW, dataActionId: context.actionId }) as Record<string, unknown>);
  try {
    for (const [path, value] of Object.entries(definition.set ?? {})) setPath(trigger, path, structuredClone(value));
    for (const path of definition.unset ?? []) unsetPath(trigger, path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CxdaError("E_CASE", `${where}: cannot apply set/unset: ${reason}`, { cause: error });
  }
  const timestamp = typeof trigger.timestamp === "string" ? Date.parse(trigger.timestamp) : Number.NaN;
  const now = definition.now !== undefined ? Date.parse(definition.now) : Number.isNaN(timestamp) ? Date.parse(DEFAULT_CASE_NOW) : timestamp;
  const prepared: PreparedCase = {
    name: definition.name,
    trigger,
    vars: { ...context.vars, ...definition.vars },
    now,
    expect: definition.expect ?? {},
  };
  if (definition.source !== undefined) prepared.source = definition.source;
  return prepared;
}
