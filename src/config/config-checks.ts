// Checks raw config values one key at a time; every failure is an E_CONFIG error naming the file and the key path.
import { CxdaError } from "../core/errors.js";
import { didYouMean } from "../internal/did-you-mean.js";
import { describeValue } from "../validation/describe-value.js";
import { isSecretPath } from "../secrets/secret-keys.js";

/** Where a value sits: the file it came from (as shown to the user) and its key path (`sandbox.network`). */
export interface ConfigLocation {
  /** The config file as shown in messages, or a label such as `defineConfig()` when there is none. */
  file: string;
  /** Dotted key path, with `[i]` for list items; empty for the whole config. */
  path: string;
}

/** The location of `key` inside `at`. */
export function child(at: ConfigLocation, key: string | number): ConfigLocation {
  const path = typeof key === "number" ? `${at.path}[${key}]` : at.path === "" ? key : `${at.path}.${key}`;
  return { file: at.file, path };
}

/** Throws E_CONFIG: `<file>: "<path>" must be <expected>, got <value>`. */
export function wrongType(at: ConfigLocation, expected: string, value: unknown): never {
  const subject = at.path === "" ? "the config" : `"${at.path}"`;
  // A wrong value under a secret-looking key is still a secret: say what kind of value it is, never the value.
  const got = isSecretPath(at.path)
    ? `${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`} (value hidden)`
    : describeValue(value);
  throw new CxdaError("E_CONFIG", `${at.file}: ${subject} must be ${expected}, got ${got}`, {
    context: { file: at.file, key: at.path },
  });
}

/** A plain object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks that `value` is an object whose keys are all in `known`; an unknown key is an error that names its full
 * path and suggests the closest known key.
 */
export function objectAt(at: ConfigLocation, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) wrongType(at, `an object with any of ${known.join(", ")}`, value);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const where = child(at, key).path;
    const suggestion = didYouMean(key, known).replace(/"([^"]+)"/, (_, name: string) => `"${child(at, name).path}"`);
    const scope = at.path === "" ? "the config allows" : `"${at.path}" allows`;
    throw new CxdaError("E_CONFIG", `${at.file}: unknown key "${where}"${suggestion}; ${scope} ${known.join(", ")}`, {
      context: { file: at.file, key: where },
    });
  }
  return value;
}

/** A string, non-empty unless `allowEmpty`. */
export function stringAt(at: ConfigLocation, value: unknown, allowEmpty = false): string {
  if (typeof value !== "string" || (!allowEmpty && value.trim() === "")) wrongType(at, allowEmpty ? "a string" : "a non-empty string", value);
  return value;
}

/** `true` or `false`. */
export function booleanAt(at: ConfigLocation, value: unknown): boolean {
  if (typeof value !== "boolean") wrongType(at, "true or false", value);
  return value;
}

/** A whole number within `[min, max]`. */
export function integerAt(at: ConfigLocation, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    wrongType(at, max === Number.MAX_SAFE_INTEGER ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`, value);
  }
  return value;
}

/** A finite number within `[min, max]`. */
export function numberAt(at: ConfigLocation, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) wrongType(at, `a number from ${min} to ${max}`, value);
  return value;
}

/** One of `allowed`; a near miss gets a suggestion. */
export function oneOfAt<T extends string>(at: ConfigLocation, value: unknown, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  if (typeof value === "string") {
    throw new CxdaError(
      "E_CONFIG",
      `${at.file}: "${at.path}" must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got "${value}"${didYouMean(value, allowed)}`,
      {
        context: { file: at.file, key: at.path },
      },
    );
  }
  return wrongType(at, `one of ${allowed.map((a) => `"${a}"`).join(", ")}`, value);
}

/** A list of non-empty strings; a single string counts as a list of one when `single` is set. */
export function stringListAt(at: ConfigLocation, value: unknown, single = false): string[] {
  if (single && typeof value === "string") return [stringAt(at, value)];
  if (!Array.isArray(value)) wrongType(at, single ? "a string or a list of strings" : "a list of strings", value);
  return value.map((item, i) => stringAt(child(at, i), item));
}
