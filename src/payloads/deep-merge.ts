// Merges override objects into a base: objects merge key by key, arrays and scalars replace, undefined removes.
import { CxdaError } from "../core/errors.js";

/** True for `{}`-style objects (not arrays, not null, not class instances such as Date). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Merges `overrides` into `base` in place and returns `base`. Plain objects merge recursively; arrays,
 * scalars and null replace; an `undefined` value removes the key. Override values are copied, never shared.
 * @throws CxdaError `E_USAGE` for a `__proto__`, `constructor` or `prototype` key in `overrides`.
 * @example
 * deepMerge({ a: { b: 1, c: 2 }, t: [1, 2] }, { a: { c: 3 }, t: [9] }); // { a: { b: 1, c: 3 }, t: [9] }
 */
export function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>, at = ""): Record<string, unknown> {
  for (const key of Object.keys(overrides)) {
    const where = at === "" ? key : `${at}.${key}`;
    if (FORBIDDEN_KEYS.has(key)) {
      throw new CxdaError("E_USAGE", `override key "${where}" could alter object prototypes; rename it`, { context: { path: where } });
    }
    const value = overrides[key];
    if (value === undefined) {
      delete base[key];
    } else if (isPlainObject(value)) {
      const existing = base[key];
      // A fresh object still goes through the merge, so nested keys are checked too.
      base[key] = deepMerge(isPlainObject(existing) ? existing : {}, value, where);
    } else {
      base[key] = structuredClone(value);
    }
  }
  return base;
}
