// Decides a case's outcome: compares what happened (output, issues, a throw) with what the case expects.
import type { CaseExpectation, CaseFailure, RequestExpectation, ValidationIssue } from "../core/types.js";
import { diffValues, showValue } from "./compare-values.js";

/** What happened when a case ran. */
export interface CaseOutcome {
  /** Whether the transform ran (it does not when the input is invalid). */
  executed: boolean;
  output?: unknown;
  issues: ValidationIssue[];
  /** The transform's own throw, when it threw (not sandbox or harness faults). */
  thrown?: { message: string };
  /** The request a declarative action resolved, when it got that far. */
  request?: SentRequest;
}

/** A declarative action's request as `expect.request` compares it. */
export interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The value of `expect.output` that asks for a snapshot: `cxda test` writes the case's output in its place on the first
 * run (as vitest writes a new snapshot), and until then it never compares with anything, not even this very string.
 */
export const SNAPSHOT_PLACEHOLDER = "<snapshot>";

function issueKey(issue: { side?: string; path: string; keyword: string }, withSide: boolean): string {
  return `${withSide ? `${issue.side ?? ""} ` : ""}${issue.path} ${issue.keyword}`;
}

function describeIssue(issue: ValidationIssue): string {
  return `${issue.side} ${issue.path || "/"}: ${issue.message}`;
}

/**
 * Lists every way `outcome` misses `expect`. An empty list means the case passes.
 * With no `valid` and no `errors` expectation, any validation issue is a failure.
 * @example
 * evaluateExpectations({ match: { priority: "high" } }, { executed: true, output: { priority: "standard" }, issues: [] });
 */
export function evaluateExpectations(expect: CaseExpectation, outcome: CaseOutcome): CaseFailure[] {
  const failures: CaseFailure[] = [];

  if (expect.throws !== undefined) {
    if (outcome.thrown === undefined) {
      failures.push({
        expectation: "throws",
        message: outcome.executed
          ? `expected the transform to throw "${expect.throws}", but it returned`
          : `expected the transform to throw "${expect.throws}", but it did not run (the input is invalid)`,
        expected: expect.throws,
      });
    } else if (!outcome.thrown.message.includes(expect.throws)) {
      failures.push({
        expectation: "throws",
        message: `expected a throw containing "${expect.throws}", got "${outcome.thrown.message}"`,
        expected: expect.throws,
        actual: outcome.thrown.message,
      });
    }
  }

  if (expect.errors !== undefined) {
    const withSide = (e: { side?: string }): boolean => e.side !== undefined;
    const unmatched = [...outcome.issues];
    for (const wanted of expect.errors) {
      const index = unmatched.findIndex((issue) => issueKey(issue, withSide(wanted)) === issueKey(wanted, withSide(wanted)));
      if (index >= 0) unmatched.splice(index, 1);
      else {
        failures.push({
          expectation: "errors",
          message: `expected ${wanted.side ? `${wanted.side} ` : ""}${wanted.path || "/"} to fail "${wanted.keyword}", but it did not${outcome.executed || wanted.side === "input" ? "" : " (the transform did not run: the input is invalid)"}`,
          path: wanted.path,
          expected: wanted.keyword,
        });
      }
    }
    for (const extra of unmatched) {
      failures.push({ expectation: "errors", message: `unexpected issue: ${describeIssue(extra)}`, path: extra.path, actual: extra.actual });
    }
  } else if (expect.valid !== undefined) {
    const valid = outcome.issues.length === 0;
    if (expect.valid && !valid) {
      for (const issue of outcome.issues) {
        failures.push({ expectation: "valid", message: `expected valid, but ${describeIssue(issue)}`, path: issue.path, actual: issue.actual });
      }
    } else if (!expect.valid && valid) {
      failures.push({ expectation: "valid", message: "expected validation to fail, but input and output are valid" });
    }
  } else if (expect.throws === undefined) {
    for (const issue of outcome.issues) {
      failures.push({ expectation: "issues", message: describeIssue(issue), path: issue.path, expected: issue.expected, actual: issue.actual });
    }
  }

  for (const [expectation, partial] of [
    ["output", false],
    ["match", true],
  ] as const) {
    const wanted = expect[expectation];
    if (wanted === undefined) continue;
    if (!outcome.executed || outcome.thrown !== undefined) {
      failures.push({
        expectation,
        message: `expected an output to compare with "${expectation}", but the transform ${outcome.executed ? "threw" : "did not run (the input is invalid)"}`,
      });
      continue;
    }
    // Compared as a string, the placeholder would pass a transform that returns "<snapshot>": it is a request instead.
    if (expectation === "output" && wanted === SNAPSHOT_PLACEHOLDER) {
      failures.push({
        expectation,
        code: "E_SNAPSHOT",
        message: `expect.output is "${SNAPSHOT_PLACEHOLDER}": no snapshot yet; run \`cxda test\` (or \`cxda test -u\` in CI) to write the output into the case file`,
        expected: SNAPSHOT_PLACEHOLDER,
      });
      continue;
    }
    for (const difference of diffValues(wanted, outcome.output, { partial })) {
      failures.push({
        expectation,
        message: `output ${difference.path}: expected ${showValue(difference.expected)}, got ${showValue(difference.actual)}`,
        path: difference.path,
        expected: difference.expected,
        actual: difference.actual,
      });
    }
  }
  if (expect.request !== undefined) failures.push(...requestFailures(expect.request, outcome.request));
  return failures;
}

/**
 * How a declarative action's request misses `expect.request`: `method` and `url` compared as given, `headers` as a
 * subset (names without case), `body` as a partial deep match when it is JSON, else as the exact text.
 */
export function requestFailures(wanted: RequestExpectation, sent: SentRequest | undefined): CaseFailure[] {
  if (sent === undefined) {
    return [
      {
        expectation: "request",
        message:
          "expected a request to compare with expect.request, but the action sent none (expect.request is for declarative actions, whose resolve-request step makes one; see that step when it failed)",
      },
    ];
  }
  const failures: CaseFailure[] = [];
  const differs = (path: string, expected: unknown, actual: unknown): void => {
    failures.push({
      expectation: "request",
      message: `request ${path}: expected ${showValue(expected)}, got ${showValue(actual)}`,
      path,
      expected,
      actual,
    });
  };
  if (wanted.method !== undefined && String(wanted.method).toUpperCase() !== sent.method) differs("method", wanted.method, sent.method);
  if (wanted.url !== undefined && wanted.url !== sent.url) differs("url", wanted.url, sent.url);
  for (const [name, value] of Object.entries(wanted.headers ?? {})) {
    const actual = Object.entries(sent.headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
    if (actual !== value) differs(`headers.${name}`, value, actual);
  }
  if (wanted.body !== undefined) {
    if (sent.body === undefined) differs("body", wanted.body, undefined);
    else if (typeof wanted.body === "string") {
      if (wanted.body !== sent.body) differs("body", wanted.body, sent.body);
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(sent.body);
      } catch {
        differs("body", wanted.body, sent.body);
        return failures;
      }
      for (const difference of diffValues(wanted.body, parsed, { partial: true }))
        differs(difference.path === "/" || difference.path === "" ? "body" : `body${difference.path}`, difference.expected, difference.actual);
    }
  }
  return failures;
}
