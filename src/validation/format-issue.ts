// Prints a ValidationIssue as one line: `output /resolutionScore: must be integer, got string "87"`.
import type { ValidationIssue } from "../core/types.js";

/** Longest message printed on the line before it is cut. */
const MAX_MESSAGE = 300;

/**
 * One line for an issue: side, JSON Pointer (`/` for the root), colon, message.
 * Messages built by cxda already shorten long values; anything longer than 300 characters is cut here too.
 * @example
 * formatIssue({ side: "output", path: "/resolutionScore", keyword: "type", expected: "integer", actual: "87",
 *   message: 'must be integer, got string "87"' });
 * // 'output /resolutionScore: must be integer, got string "87"'
 */
export function formatIssue(issue: ValidationIssue): string {
  const path = issue.path === "" ? "/" : issue.path;
  const message = issue.message.length > MAX_MESSAGE ? `${issue.message.slice(0, MAX_MESSAGE)}… (${issue.message.length} characters)` : issue.message;
  return `${issue.side} ${path}: ${message}`;
}
