// A lookup keyed by a list of schema objects, compared by identity: generation asks for the same lists for every instance.
import type { JsonSchema } from "../../core/types.js";

/** One step of the lookup: the value for the list that ends here, and the steps for longer lists. */
export interface ListCache<T> {
  value: T | undefined;
  next: Map<JsonSchema, ListCache<T>> | undefined;
}

/** An empty lookup. */
export function listCache<T>(): ListCache<T> {
  return { value: undefined, next: undefined };
}

/** The entry for `subs`, created on first use (its `value` is `undefined` until set). Schemas are read-only, so identity is enough. */
export function entryFor<T>(root: ListCache<T>, subs: readonly JsonSchema[]): ListCache<T> {
  let node = root;
  for (const sub of subs) {
    node.next ??= new Map();
    let next = node.next.get(sub);
    if (next === undefined) node.next.set(sub, (next = listCache<T>()));
    node = next;
  }
  return node;
}
