// Says why a case did not pass, in the lines a vitest failure shows: the error, each failed expectation, the case's file.
import type { CaseDefinition, CaseFailure, CaseLocation, CaseResult } from "../core/types.js";
import { escapeControls } from "../internal/control-characters.js";
import { isRecord } from "../internal/json-data.js";
import { formatIssue } from "../validation/format-issue.js";
import { redactResult, redactSecrets } from "../secrets/redact.js";
import { caseWhere } from "../report/case-lines.js";
import { expectedView } from "../report/value-diff.js";

/**
 * The reasons a case result is not a pass, one per line and indented; empty for a pass.
 * @example
 * explainCaseResult(result); // ['  output /resolutionScore: must be integer, got string "87"', "  at cases/traps.json#0"]
 */
export function explainCaseResult(raw: CaseResult): string[] {
  if (raw.status === "pass") return [];
  // The same redaction as the CLI: a failure message must not carry a secret-looking value.
  const result = redactResult(raw);
  const lines: string[] = [];
  if (result.error) {
    lines.push(`${result.error.code} ${result.error.message}`);
    if (result.error.stack)
      lines.push(
        ...result.error.stack
          .split("\n")
          .slice(1, 6)
          .map((line) => `  ${line.trim()}`),
      );
  }
  for (const failure of result.failures) lines.push(failure.message);
  // Failures already describe the issues they are about; list issues only when nothing else explains the result.
  if (lines.length === 0) lines.push(...result.issues.map(formatIssue));
  const where = caseWhere(result);
  if (where !== undefined) lines.push(`at ${where}`);
  return lines.map((line) => `  ${line}`);
}

/** A headline and the reasons: `da-1 › premium failed:` then the indented lines. */
export function describeCaseOutcome(result: CaseResult): string {
  const verdict = result.status === "error" ? "ended in an error" : result.status === "fail" ? "failed" : "passed";
  return [`${result.action} › ${result.case} ${verdict}${result.status === "pass" ? "" : ":"}`, ...explainCaseResult(result)].join("\n");
}

/** The part of `actual` that `expected` speaks of (a partial match ignores the rest), as vitest's toMatchObject shows it. */
function matchedPart(actual: unknown, expected: unknown): unknown {
  if (isRecord(actual) && isRecord(expected)) {
    const part: Record<string, unknown> = {};
    for (const key of Object.keys(expected)) if (Object.hasOwn(actual, key)) part[key] = matchedPart(actual[key], expected[key]);
    return part;
  }
  if (Array.isArray(actual) && Array.isArray(expected))
    return actual.map((item, index) => (index < expected.length ? matchedPart(item, expected[index]) : item));
  return actual;
}

/**
 * The values vitest draws its diff from for a case whose `output` or `match` expectation failed: the expectation and
 * the output (for `match`, only the part of it the expectation names), both redacted; undefined for other failures.
 * Without the case's definition, the expectation is rebuilt from the failures (the output with each expected value put
 * back at its path).
 * @example
 * diffableValues(result, testCase); // { expected: { priority: "high" }, actual: { priority: "standard" } }
 */
export function diffableValues(result: CaseResult, testCase?: CaseDefinition): { expected: unknown; actual: unknown } | undefined {
  for (const expectation of ["output", "match"] as const) {
    const failures = result.failures.filter((f): f is CaseFailure & { path: string } => f.expectation === expectation && f.path !== undefined);
    if (failures.length === 0) continue;
    const wanted = testCase?.expect?.[expectation];
    if (wanted !== undefined) {
      const actual = expectation === "match" ? matchedPart(result.output, wanted) : result.output;
      return { expected: redactSecrets(wanted), actual: redactSecrets(actual) };
    }
    return { expected: redactSecrets(expectedView(result.output, failures)), actual: redactSecrets(result.output) };
  }
  return undefined;
}

/**
 * Gives an error a stack whose one frame is the case in its file (`at <case> (/abs/cases/x.json:12:3)`), so vitest
 * points at the case instead of cxda's own code. The case name is shown escaped, without the parentheses that would end
 * the frame's name early.
 */
export function pointStackAtCase(error: Error, caseName: string, location: CaseLocation | undefined): void {
  if (location === undefined) return;
  const name = escapeControls(caseName).replace(/[()\n\r]/g, (c) => (c === "(" ? "[" : c === ")" ? "]" : " "));
  const position = `:${location.line}:${location.column}`;
  // vitest reads every "at …:line:column" line of a stack as a frame: the message's own "at <case file>" line stays out.
  const message = error.message
    .split("\n")
    .filter((line) => !(line.trim().startsWith("at ") && line.endsWith(position)))
    .join("\n");
  error.stack = `${error.name}: ${message}\n    at ${name} (${location.file}${position})`;
}
