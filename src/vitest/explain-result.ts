// Says why a case did not pass, in the lines a vitest failure shows: the error, each failed expectation, the case's file.
import type { CaseResult } from "../core/types.js";
import { formatIssue } from "../validation/format-issue.js";
import { redactResult } from "../secrets/redact.js";

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
  if (result.source) lines.push(`at ${result.source}`);
  return lines.map((line) => `  ${line}`);
}

/** A headline and the reasons: `da-1 › premium failed:` then the indented lines. */
export function describeCaseOutcome(result: CaseResult): string {
  const verdict = result.status === "error" ? "ended in an error" : result.status === "fail" ? "failed" : "passed";
  return [`${result.action} › ${result.case} ${verdict}${result.status === "pass" ? "" : ":"}`, ...explainCaseResult(result)].join("\n");
}
