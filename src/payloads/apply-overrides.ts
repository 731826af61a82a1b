// Applies a case's `set` (dotted path → value) and `unset` (dotted paths) to a copy of a trigger.
import { setPath, unsetPath } from "./dotted-path.js";

/** The edits {@link applyOverrides} makes, in order: every `set`, then every `unset`. */
export interface TriggerOverrides {
  /** Values by dotted path (`"contact.attributes.tier": "standard"`). */
  set?: Record<string, unknown>;
  /** Dotted paths to remove (`"interaction"`). */
  unset?: readonly string[];
}

/**
 * Returns a copy of `trigger` with `set` applied and then `unset`; the original (which may be frozen) is untouched.
 * Values from `set` are copied, so later changes to them do not leak into the result.
 * @throws CxdaError `E_USAGE` for an invalid path (see {@link setPath}).
 * @example
 * const edited = applyOverrides(trigger, { set: { "data.customFields.resolutionScore": 140 }, unset: ["contact.attributes"] });
 */
export function applyOverrides(trigger: Record<string, unknown>, overrides: TriggerOverrides): Record<string, unknown> {
  const copy = structuredClone(trigger);
  for (const [path, value] of Object.entries(overrides.set ?? {})) setPath(copy, path, structuredClone(value));
  for (const path of overrides.unset ?? []) unsetPath(copy, path);
  return copy;
}
