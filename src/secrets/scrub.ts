// Scrubbing known secret values out of text: the values under secret-looking keys of a case's trigger and vars, taken
// out of its logs, failures and errors before they leave the worker.
import type { CaseFailure, CaseResult } from "../core/types.js";
import { isSecretKey, REDACTED } from "./secret-keys.js";

/**
 * String values under secret-looking keys of the trigger and vars (a token a transform might log), at any depth.
 * Values shorter than 4 characters are left out: they would scrub ordinary words.
 * @example
 * secretValues({ contact: { apiToken: "t-123" } }, {}); // ["t-123"]
 */
export function secretValues(trigger: unknown, vars: unknown): string[] {
  const found: string[] = [];
  const visit = (value: unknown, secret: boolean): void => {
    if (typeof value === "string") {
      if (secret && value.length >= 4) found.push(value);
    } else if (typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) visit(record[key], secret || isSecretKey(key));
    }
  };
  visit(trigger, false);
  visit(vars, false);
  return found;
}

/**
 * `text` with every occurrence of each value replaced by `[redacted]`, in the order given.
 * @example
 * scrub("calling with t-123", ["t-123"]); // "calling with [redacted]"
 */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((current, secret) => current.split(secret).join(REDACTED), text);
}

/**
 * Failures that quote a thrown message (`expected a throw containing …, got "…"`) scrubbed the same way: the message,
 * and the actual value when it is a string.
 * @example
 * scrubFailures(outcome.failures, secretValues(trigger, vars));
 */
export function scrubFailures(failures: CaseFailure[], secrets: readonly string[]): CaseFailure[] {
  if (failures.length === 0 || secrets.length === 0) return failures;
  return failures.map((failure) => {
    const scrubbed: CaseFailure = { ...failure, message: scrub(failure.message, secrets) };
    if (typeof failure.actual === "string") scrubbed.actual = scrub(failure.actual, secrets);
    return scrubbed;
  });
}

/** A case's error scrubbed the same way, for an error the transform threw with a secret in its message or stack. */
export function scrubError(error: NonNullable<CaseResult["error"]>, secrets: readonly string[]): NonNullable<CaseResult["error"]> {
  const scrubbed = { ...error, message: scrub(error.message, secrets) };
  if (error.stack !== undefined) scrubbed.stack = scrub(error.stack, secrets);
  return scrubbed;
}
