// A CaseResult as it may be shown to people or written to disk: secret-looking values hidden everywhere.
import type { CaseFailure, CaseResult, LogEntry, ValidationIssue } from "../core/types.js";
import { isSecretPath, redactSecrets, redactText, REDACTED } from "./redact-secrets.js";

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
