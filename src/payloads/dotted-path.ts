// Reading, setting and removing values by dotted path (`contact.attributes.tier`), and parsing `key=value` flags.
import { CxdaError } from "../core/errors.js";

/** Segments that would reach an object's prototype instead of its data. */
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "constructor", "prototype"]);

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

type Container = Record<string, unknown> | unknown[];

/** Splits a dotted path, refusing empty paths, empty segments and prototype-reaching segments. */
function splitPath(path: string): string[] {
  if (path === "") throw new CxdaError("E_USAGE", "empty path: expected a dotted path such as contact.attributes.tier", { context: { path } });
  const segments = path.split(".");
  segments.forEach((segment, index) => {
    if (segment === "") {
      throw new CxdaError("E_USAGE", `path "${path}" has an empty segment (at position ${index + 1}); write segments separated by single dots`, {
        context: { path },
      });
    }
    if (FORBIDDEN_SEGMENTS.has(segment)) {
      throw new CxdaError("E_USAGE", `path "${path}" uses the reserved segment "${segment}", which could alter object prototypes; rename the key`, {
        context: { path, segment },
      });
    }
  });
  return segments;
}

function isContainer(value: unknown): value is Container {
  return typeof value === "object" && value !== null;
}

/** The child of `container` named by `segment`, own properties only (so `toString` is not found on `{}`). */
function childOf(container: Container, segment: string): unknown {
  if (Array.isArray(container)) return ARRAY_INDEX.test(segment) ? container[Number(segment)] : undefined;
  return Object.hasOwn(container, segment) ? container[segment] : undefined;
}

/** How far past the end of an array a path may set an item (the items between become null). */
const MAX_ARRAY_GAP = 10_000;

function assign(container: Container, segment: string, value: unknown, path: string): void {
  if (Array.isArray(container)) {
    if (!ARRAY_INDEX.test(segment)) {
      throw new CxdaError("E_USAGE", `path "${path}": "${segment}" is not an array index, but the value there is an array`, {
        context: { path, segment },
      });
    }
    const index = Number(segment);
    if (index - container.length > MAX_ARRAY_GAP) {
      throw new CxdaError(
        "E_USAGE",
        `path "${path}": index ${index} is far past the end of the array there (${container.length} items); set an index up to ${container.length} to append`,
        {
          context: { path, index, length: container.length },
        },
      );
    }
    // The items skipped are null, as JSON would carry them: an array never has holes, whichever side builds it.
    for (let gap = container.length; gap < index; gap++) container[gap] = null;
    container[index] = value;
    return;
  }
  container[segment] = value;
}

/**
 * A container to change: itself, or a shallow copy when it is frozen. A frozen part is shared (a base trigger that
 * many cases start from, frozen once), so a change goes to a copy of it and of every container above it: copy on
 * write. Spread and `slice` define own properties, so a key named `__proto__` stays data, and holes stay holes.
 */
function writable<T extends Container>(container: T): T {
  if (!Object.isFrozen(container)) return container;
  return (Array.isArray(container) ? container.slice() : { ...container }) as T;
}

/**
 * Sets `value` at a dotted `path` inside `target`, creating intermediate objects where nothing is.
 * A numeric segment indexes an array when the container there is an array; otherwise it is a property name.
 * Unfrozen containers are changed in place; frozen ones are copied first, so a frozen `target` is never changed.
 * @returns the root holding the change: `target` itself, or its copy when `target` is frozen.
 * @throws CxdaError `E_USAGE` for an empty path or segment, a `__proto__`/`constructor`/`prototype` segment,
 * a non-index segment on an array, or a path that runs through a string, number, boolean or null.
 * @example
 * const trigger = { contact: { id: "c-1" } };
 * setPath(trigger, "contact.attributes.tier", "standard"); // trigger.contact.attributes = { tier: "standard" }
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const segments = splitPath(path);
  const root = writable(target);
  let current: Container = root;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] as string;
    let next = childOf(current, segment);
    if (next === undefined) {
      next = {};
      assign(current, segment, next, path);
    } else if (!isContainer(next)) {
      const where = segments.slice(0, i + 1).join(".");
      throw new CxdaError("E_USAGE", `cannot set "${path}": "${where}" holds ${next === null ? "null" : `a ${typeof next}`}, not an object`, {
        context: { path, at: where },
      });
    } else if (Object.isFrozen(next)) {
      next = writable(next as Container);
      assign(current, segment, next, path);
    }
    current = next as Container;
  }
  assign(current, segments[segments.length - 1] as string, value, path);
  return root;
}

/**
 * The value at a dotted `path` inside `target`, or `undefined` when any part of the path is missing.
 * @throws CxdaError `E_USAGE` for an empty path or segment, or a prototype-reaching segment.
 * @example
 * getPath({ data: { customFields: { resolutionScore: 87 } } }, "data.customFields.resolutionScore"); // 87
 */
export function getPath(target: unknown, path: string): unknown {
  let current: unknown = target;
  for (const segment of splitPath(path)) {
    if (!isContainer(current)) return undefined;
    current = childOf(current, segment);
  }
  return current;
}

/**
 * Removes the value at a dotted `path`; an array item is spliced out (later items move up). Unfrozen containers are
 * changed in place; frozen ones on the way are copied first (see {@link setPath}).
 * @returns the root without the value (`target`, or its copy when `target` is frozen), or undefined when the path did
 * not exist (nothing changed).
 * @throws CxdaError `E_USAGE` for an empty path or segment, or a prototype-reaching segment.
 * @example
 * const trigger = { contact: { id: "c-1", attributes: { tier: "premium" } } };
 * removePath(trigger, "contact.attributes"); // trigger; trigger.contact is { id: "c-1" }
 */
export function removePath(target: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const segments = splitPath(path);
  const last = segments[segments.length - 1] as string;
  // Nothing is copied unless there is something to remove.
  let parent: unknown = target;
  for (const segment of segments.slice(0, -1)) {
    if (!isContainer(parent)) return undefined;
    parent = childOf(parent, segment);
  }
  if (!isContainer(parent)) return undefined;
  if (Array.isArray(parent) ? !ARRAY_INDEX.test(last) || Number(last) >= parent.length : !Object.hasOwn(parent, last)) return undefined;
  const root = writable(target);
  let current: Container = root;
  for (const segment of segments.slice(0, -1)) {
    let next = childOf(current, segment) as Container;
    if (Object.isFrozen(next)) {
      next = writable(next);
      assign(current, segment, next, path);
    }
    current = next;
  }
  if (Array.isArray(current)) current.splice(Number(last), 1);
  else delete current[last];
  return root;
}

/**
 * Removes the value at a dotted `path` in place (see {@link removePath}).
 * @returns true when something was removed, false when the path did not exist.
 * @throws CxdaError `E_USAGE` for an empty path or segment, or a prototype-reaching segment.
 * @example
 * const trigger = { contact: { id: "c-1", attributes: { tier: "premium" } } };
 * unsetPath(trigger, "contact.attributes"); // true; trigger.contact is { id: "c-1" }
 */
export function unsetPath(target: Record<string, unknown>, path: string): boolean {
  return removePath(target, path) !== undefined;
}

/**
 * Parses a `key=value` flag value. The value is read as JSON when it parses (`87`, `true`, `null`, `"87"`,
 * `{"b":1}`), and kept as the literal string otherwise (`standard`). Only the first `=` splits.
 * @param flag The flag name used in error messages. @default "--set"
 * @throws CxdaError `E_USAGE` when there is no `=` or the key is not a valid dotted path.
 * @example
 * parseAssignment("data.customFields.resolutionScore=87"); // ["data.customFields.resolutionScore", 87]
 * parseAssignment('x="87"'); // ["x", "87"]
 * parseAssignment("contact.attributes.tier=standard"); // ["contact.attributes.tier", "standard"]
 */
export function parseAssignment(text: string, flag = "--set"): [path: string, value: unknown] {
  const at = text.indexOf("=");
  if (at < 0) {
    throw new CxdaError("E_USAGE", `${flag}: expected key=value, got ${JSON.stringify(text)}`, { context: { flag, text } });
  }
  const path = text.slice(0, at).trim();
  try {
    splitPath(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CxdaError("E_USAGE", `${flag}: invalid key in ${JSON.stringify(text)}: ${reason}`, { cause: error, context: { flag, text } });
  }
  const raw = text.slice(at + 1);
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = raw;
  }
  return [path, value];
}
