// Hides secret-looking fields (tokens, passwords, keys…) in payloads, outputs, messages and whole case results before
// they are shown or written.
import type { CaseFailure, CaseResult, LogEntry, ValidationIssue } from "../core/types.js";
import { isSecretKey, isSecretPath, REDACTED, SECRET_WORDS } from "./secret-keys.js";
import { redactSecretText } from "./remove-secrets.js";

/**
 * A deep copy of `value` with the value of every secret-looking key replaced by `[redacted]`, at any depth
 * (objects inside arrays included). Other values are copied as they are.
 * @example
 * redactSecrets({ contact: { apiKey: "k-123", name: "Ada" } }); // { contact: { apiKey: "[redacted]", name: "Ada" } }
 */
export function redactSecrets<T>(value: T): T {
  const seen = new WeakSet<object>();
  const copy = (current: unknown): unknown => {
    if (typeof current !== "object" || current === null) return current;
    if (seen.has(current)) return "[circular]";
    seen.add(current);
    if (Array.isArray(current)) return current.map(copy);
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(current)) out[key] = isSecretKey(key) ? REDACTED : copy(inner);
    return out;
  };
  return copy(value) as T;
}

// The key must not be the end of a path or URL ("/auth/token: 400 Bad Request" is a status, not a secret), and a
// Bearer/Basic value ends before closing brackets and separators.
const KEY_VALUE_TEXT = new RegExp(
  `(?<![\\w/.-])(["']?)([\\w-]*(?:${SECRET_WORDS})[\\w-]*)\\1(\\s*[:=]\\s*)("[^"]*"|'[^']*'|(?:Bearer|Basic)\\s+[^\\s,;)}\\]"']+|[^\\s,;)}&\\]"']+)`,
  "gi",
);

/**
 * Hides the values of secret-looking `key: value`, `"key": "value"` and `key=value` pairs inside free text
 * (log lines, messages). A best effort for text a transform wrote; structured data goes through {@link redactSecrets}.
 * @example
 * redactText('calling with token=abc123 for Ada'); // 'calling with token=[redacted] for Ada'
 */
export function redactText(text: string): string {
  const pairs = text.replace(
    KEY_VALUE_TEXT,
    (_match, quote: string, key: string, separator: string) => `${quote}${key}${quote}${separator}${REDACTED}`,
  );
  // What recordings take out of text too: credentials in URLs, token-like query parameters, card numbers.
  return redactSecretText(pairs);
}

const GOT = /, got [\s\S]*$/;

/** An issue whose path goes through a secret-looking key keeps its path and keyword, not the value. */
export function redactIssue(issue: ValidationIssue): ValidationIssue {
  if (!isSecretPath(issue.path)) return issue;
  const redacted: ValidationIssue = { ...issue, message: GOT.test(issue.message) ? issue.message.replace(GOT, `, got ${REDACTED}`) : issue.message };
  if (issue.actual !== undefined) redacted.actual = REDACTED;
  return redacted;
}

/** A failure about a secret-looking path says which path and expectation, not the values. */
export function redactFailure(failure: CaseFailure): CaseFailure {
  if (!isSecretPath(failure.path)) return { ...failure, message: redactText(failure.message) };
  const redacted: CaseFailure = { ...failure };
  if (failure.expected !== undefined) redacted.expected = REDACTED;
  if (failure.actual !== undefined) redacted.actual = REDACTED;
  redacted.message =
    failure.expectation === "output" || failure.expectation === "match"
      ? `output ${failure.path}: expected ${REDACTED}, got ${REDACTED}`
      : failure.message.replace(GOT, `, got ${REDACTED}`);
  return redacted;
}

function redactLog(log: LogEntry): LogEntry {
  return { ...log, message: redactText(log.message) };
}

/**
 * A copy of `result` fit to show: secret-looking keys hidden in the output, the trigger and step details, values at
 * secret-looking paths hidden in issues and failures, and `key=value` secrets hidden in logs and error messages.
 * @example
 * redactResult(result).output; // { recordId: "rec-1", apiKey: "[redacted]" }
 */
export function redactResult(result: CaseResult): CaseResult {
  const copy: CaseResult = {
    ...result,
    issues: result.issues.map(redactIssue),
    failures: result.failures.map(redactFailure),
    logs: result.logs.map(redactLog),
    trace: { steps: result.trace.steps.map((step) => (step.detail === undefined ? step : { ...step, detail: redactSecrets(step.detail) })) },
  };
  if (result.output !== undefined) copy.output = redactSecrets(result.output);
  if (result.trigger !== undefined) copy.trigger = redactSecrets(result.trigger);
  if (result.error !== undefined) {
    copy.error = { code: result.error.code, message: redactText(result.error.message) };
    if (result.error.stack !== undefined) copy.error.stack = redactText(result.error.stack);
  }
  return copy;
}
