// JUnit XML for CI systems: one testsuite per action, one testcase per case, failures with their reasons.
import { hostname } from "node:os";
import type { CaseResult } from "../core/types.js";
import { formatIssue } from "../validation/format-issue.js";
import { caseWhere, outputDiffs } from "./case-lines.js";
import { shownPath } from "./shown-path.js";

/** XML-escapes text, and drops the control characters XML 1.0 cannot carry at all. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- naming the control characters XML allows is the point here
      .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function failureBody(result: CaseResult): string {
  const lines = [...result.failures.map((f) => f.message)];
  if (result.failures.length === 0) lines.push(...result.issues.map(formatIssue));
  // A CI page shows this text as it is: the diff without colour, its changes marked by caret lines.
  for (const diff of outputDiffs(result, (_style, text) => text)) lines.push("", ...diff, "");
  if (result.error?.stack) lines.push(result.error.stack);
  const where = caseWhere(result);
  if (where !== undefined) lines.push(`at ${where}`);
  return lines.join("\n");
}

/** `file` (and `line`, which CI annotations read) of a case: its case file and line when known, else its source. */
function fileAttributes(result: CaseResult): string {
  if (result.location !== undefined) return ` file="${escapeXml(shownPath(result.location.file))}" line="${result.location.line}"`;
  return result.source ? ` file="${escapeXml(result.source)}"` : "";
}

function testcase(result: CaseResult): string {
  const attributes = `name="${escapeXml(result.case)}" classname="${escapeXml(result.action)}" time="${seconds(result.durationMs)}"${fileAttributes(result)}`;
  const parts: string[] = [];
  if (result.status === "fail") {
    const first = result.failures[0]?.message ?? "the case failed";
    parts.push(
      `      <failure message="${escapeXml(first)}" type="${escapeXml(result.failures[0]?.expectation ?? "fail")}">${escapeXml(failureBody(result))}</failure>`,
    );
  } else if (result.status === "error") {
    parts.push(
      `      <error message="${escapeXml(headline(result.error?.message ?? "error"))}" type="${escapeXml(result.error?.code ?? "E_UNKNOWN")}">${escapeXml(`${result.error?.message ?? ""}\n${failureBody(result)}`.trim())}</error>`,
    );
  }
  if (result.logs.length > 0)
    parts.push(`      <system-out>${escapeXml(result.logs.map((l) => `[${l.level}] ${l.message}`).join("\n"))}</system-out>`);
  return parts.length === 0 ? `    <testcase ${attributes}/>` : `    <testcase ${attributes}>\n${parts.join("\n")}\n    </testcase>`;
}

/**
 * Renders results as JUnit XML (the schema Jenkins, GitLab and GitHub reporters read).
 * @example
 * await writeFile("reports/junit.xml", toJunitXml(results, { timestamp: new Date() }));
 */
export function toJunitXml(results: readonly CaseResult[], options: { timestamp?: Date; name?: string } = {}): string {
  const timestamp = (options.timestamp ?? new Date()).toISOString().replace(/\.\d+Z$/, "");
  const suites = new Map<string, CaseResult[]>();
  for (const result of results) suites.set(result.action, [...(suites.get(result.action) ?? []), result]);
  const count = (list: readonly CaseResult[], status: CaseResult["status"]): number => list.filter((r) => r.status === status).length;
  const time = (list: readonly CaseResult[]): string => seconds(list.reduce((sum, r) => sum + r.durationMs, 0));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(options.name ?? "cxda")}" tests="${results.length}" failures="${count(results, "fail")}" errors="${count(results, "error")}" skipped="0" time="${time(results)}" timestamp="${timestamp}">`,
  ];
  let id = 0;
  for (const [action, list] of suites) {
    lines.push(
      `  <testsuite name="${escapeXml(action)}" id="${id++}" tests="${list.length}" failures="${count(list, "fail")}" errors="${count(list, "error")}" skipped="0" time="${time(list)}" timestamp="${timestamp}" hostname="${escapeXml(hostname())}">`,
      ...list.map(testcase),
      "  </testsuite>",
    );
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

/**
 * An error's first lines on one line, for the `message` attribute CI pages show: a compile error's first line only
 * says the transform does not compile; its `file:line:column` and reason are on the next.
 */
function headline(message: string): string {
  return message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(0, 3)
    .join(" ");
}
