// Freezes a value and everything reachable from it: how a trigger is made read-only for the transform.

/**
 * Freezes `value` and every object under it, in place, and returns it. An object already frozen is taken to be
 * frozen all the way down (this function is what froze it), so shared parts are not walked twice.
 * @example
 * const trigger = deepFreeze({ contact: { id: "c-1" } });
 * trigger.contact.id = "x"; // TypeError in strict mode
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
