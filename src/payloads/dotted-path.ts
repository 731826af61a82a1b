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

function assign(container: Container, segment: string, value: unknown, path: string): void {
  if (Array.isArray(container)) {
    if (!ARRAY_INDEX.test(segment)) {
      throw new CxdaError("E_USAGE", `path "${path}": "${segment}" is not an array index, but the value there is an array`, { context: { path, segment } });
    }
    container[Number(segment)] = value;
    return;
  }
  container[segment] = value;
}

/**
 * Sets `value` at a dotted `path` inside `target`, creating intermediate objects where nothing is.
 * A numeric segment indexes an array when the container there is an array; otherwise it is a property name.
 * @throws CxdaError `E_USAGE` for an empty path or segment, a `__proto__`/`constructor`/`prototype` segment,
 * a non-index segment on an array, or a path that runs through a string, number, boolean or null.
 * @example
 * const trigger = { contact: { id: "c-1" } };
 * setPath(trigger, "contact.attributes.tier", "standard"); // trigger.contact.attributes = { tier: "standard" }
 */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const segments = splitPath(path);
  let current: Container = target;
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
    }
    current = next as Container;
  }
  assign(current, segments[segments.length - 1] as string, value, path);
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
 * Removes the value at a dotted `path`; an array item is spliced out (later items move up).
 * @returns true when something was removed, false when the path did not exist.
 * @throws CxdaError `E_USAGE` for an empty path or segment, or a prototype-reaching segment.
 * @example
 * const trigger = { contact: { id: "c-1", attributes: { tier: "premium" } } };
 * unsetPath(trigger, "contact.attributes"); // true; trigger.contact is { id: "c-1" }
 */
export function unsetPath(target: Record<string, unknown>, path: string): boolean {
  const segments = splitPath(path);
  const parent = segments.length === 1 ? target : getPath(target, segments.slice(0, -1).join("."));
  const last = segments[segments.length - 1] as string;
  if (!isContainer(parent)) return false;
  if (Array.isArray(parent)) {
    if (!ARRAY_INDEX.test(last) || Number(last) >= parent.length) return false;
    parent.splice(Number(last), 1);
    return true;
  }
  if (!Object.hasOwn(parent, last)) return false;
  delete parent[last];
  return true;
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
