// The trigger a case runs on: a base trigger with the case's `set` and `unset` applied.
import { CxdaError } from "../core/errors.js";
import { removePath, setPath } from "../payloads/dotted-path.js";

/** What a case changes in its base trigger, in order: every `set`, then every `unset`. */
export interface CaseChanges {
  /** Values by dotted path (`"contact.attributes.tier": "standard"`). */
  set?: Record<string, unknown> | undefined;
  /** Dotted paths to remove (`"interaction"`). */
  unset?: readonly string[] | undefined;
}

/**
 * Applies a case's `set` then `unset` to `base` and returns the trigger. Parts of `base` that are frozen are shared,
 * not copied: only the objects on the way to a change are copied (so a worker that holds an action's base trigger,
 * frozen once, builds each case's trigger for the price of its changes). Unfrozen parts are changed in place.
 * @param where names the case in an error (`cases/tiers.json#2`)
 * @param options.copyValues sets a copy of each value (structuredClone), for a caller that keeps the values; by default
 * the values themselves are set
 * @throws CxdaError `E_CASE` when a path is invalid or runs through a string, number, boolean or null.
 * @example
 * const trigger = applyCaseChanges(deepFreeze(base), { set: { "contact.attributes.tier": "standard" } }, "tiers.json#0");
 */
export function applyCaseChanges(
  base: Record<string, unknown>,
  changes: CaseChanges,
  where: string,
  options: { copyValues?: boolean } = {},
): Record<string, unknown> {
  let trigger = base;
  try {
    const { set } = changes;
    if (set !== undefined)
      for (const path of Object.keys(set)) trigger = setPath(trigger, path, options.copyValues === true ? structuredClone(set[path]) : set[path]);
    for (const path of changes.unset ?? []) trigger = removePath(trigger, path) ?? trigger;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CxdaError("E_CASE", `${where}: cannot apply set/unset: ${reason}`, { cause: error });
  }
  return trigger;
}
