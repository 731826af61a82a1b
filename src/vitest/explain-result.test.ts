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
