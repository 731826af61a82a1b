import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { CaseFailedError } from "./describe-action.js";
import { explainCaseResult } from "./explain-result.js";

const leaky: CaseResult = {
  action: "a",
  case: "leaks",
  status: "fail",
  issues: [],
  failures: [
    {
      expectation: "output",
      message: 'output /apiToken: expected "x", got "sk_live_SUPERSECRET123"',
      path: "/apiToken",
      expected: "x",
      actual: "sk_live_SUPERSECRET123",
    },
  ],
  logs: [],
  trace: { steps: [] },
  durationMs: 1,
};

describe("failure messages under vitest", () => {
  it("hide secret-looking values as the CLI does (regression: describeAction printed them)", () => {
    expect(explainCaseResult(leaky).join("\n")).not.toContain("SUPERSECRET");
    const error = new CaseFailedError(leaky);
    expect(error.message).not.toContain("SUPERSECRET");
    expect(JSON.stringify(error.result)).not.toContain("SUPERSECRET");
  });
});

describe("CaseFailedError for vitest's diff", () => {
  const failed: CaseResult = {
    ...leaky,
    case: "tier (standard)",
    output: { priority: "standard", summary: "s", apiToken: "sk_live_SUPERSECRET123" },
    failures: [
      { expectation: "match", message: 'output /priority: expected "high", got "standard"', path: "/priority", expected: "high", actual: "standard" },
    ],
    location: { file: "/p/actions/a/cases/tier.json", line: 4, column: 3 },
  };

  it("carries the expectation and the part of the output it names, redacted, and asks vitest for a diff", () => {
    const error = new CaseFailedError(failed, { name: "tier (standard)", expect: { match: { priority: "high", apiToken: "x" } } });
    expect(error).toMatchObject({
      showDiff: true,
      expected: { priority: "high", apiToken: "[redacted]" },
      actual: { priority: "standard", apiToken: "[redacted]" },
    });
  });

  it("rebuilds the expected side from the failures when it has no definition", () => {
    const error = new CaseFailedError(failed);
    expect(error.expected).toEqual({ priority: "high", summary: "s", apiToken: "[redacted]" });
    expect(error.actual).toEqual({ priority: "standard", summary: "s", apiToken: "[redacted]" });
  });

  it("asks for no diff when nothing comparable failed", () => {
    const error = new CaseFailedError({ ...failed, failures: [{ expectation: "valid", message: "expected validation to fail" }] });
    expect(error.showDiff).toBe(false);
    expect(error.expected).toBeUndefined();
  });

  it("has a stack whose one frame is the case in its file, the name's parentheses kept out of the frame", () => {
    const stack = new CaseFailedError(failed).stack ?? "";
    expect(stack.split("\n").filter((line) => line.trim().startsWith("at "))).toEqual(["    at tier [standard] (/p/actions/a/cases/tier.json:4:3)"]);
    expect(stack).toContain('output /priority: expected "high", got "standard"');
  });
});
