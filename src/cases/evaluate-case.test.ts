import { describe, expect, it } from "vitest";
import type { ValidationIssue } from "../core/types.js";
import { evaluateExpectations } from "./evaluate-case.js";

const typeIssue: ValidationIssue = {
  side: "output",
  path: "/resolutionScore",
  keyword: "type",
  expected: "integer",
  actual: "87",
  message: 'must be integer, got string "87"',
};

describe("evaluateExpectations", () => {
  it("passes a valid run with no expectations", () => {
    expect(evaluateExpectations({}, { executed: true, output: { a: 1 }, issues: [] })).toEqual([]);
  });

  it("fails a run with issues when nothing was expected, listing each issue", () => {
    const failures = evaluateExpectations({}, { executed: true, output: {}, issues: [typeIssue] });
    expect(failures).toEqual([
      expect.objectContaining({ expectation: "issues", message: 'output /resolutionScore: must be integer, got string "87"', actual: "87" }),
    ]);
  });

  it("passes when the expected errors are exactly the issues", () => {
    expect(
      evaluateExpectations({ errors: [{ path: "/resolutionScore", keyword: "type" }] }, { executed: true, output: {}, issues: [typeIssue] }),
    ).toEqual([]);
  });

  it("fails when an expected error is absent, and when an extra issue appears", () => {
    const missing = evaluateExpectations({ errors: [{ path: "/priority", keyword: "enum" }] }, { executed: true, output: {}, issues: [typeIssue] });
    expect(missing.map((f) => f.message)).toEqual([
      'expected /priority to fail "enum", but it did not',
      'unexpected issue: output /resolutionScore: must be integer, got string "87"',
    ]);
  });

  it("checks the side of an expected error when it is given", () => {
    expect(
      evaluateExpectations(
        { errors: [{ side: "input", path: "/resolutionScore", keyword: "type" }] },
        { executed: true, output: {}, issues: [typeIssue] },
      ),
    ).toHaveLength(2);
  });

  it("checks valid: true and valid: false", () => {
    expect(evaluateExpectations({ valid: false }, { executed: true, output: {}, issues: [typeIssue] })).toEqual([]);
    expect(evaluateExpectations({ valid: false }, { executed: true, output: {}, issues: [] })[0]?.expectation).toBe("valid");
    expect(evaluateExpectations({ valid: true }, { executed: true, output: {}, issues: [typeIssue] })[0]?.message).toMatch(
      /expected valid, but output \/resolutionScore/,
    );
  });

  it("compares output exactly and match partially", () => {
    const outcome = { executed: true, output: { a: 1, b: 2 }, issues: [] };
    expect(evaluateExpectations({ output: { a: 1 } }, outcome).map((f) => f.message)).toEqual(["output /b: expected (missing), got 2"]);
    expect(evaluateExpectations({ match: { a: 1 } }, outcome)).toEqual([]);
    expect(evaluateExpectations({ match: { a: "1" } }, outcome).map((f) => f.message)).toEqual(['output /a: expected "1", got 1']);
  });

  it("says the transform did not run when output is expected from an invalid input", () => {
    const failures = evaluateExpectations({ match: { a: 1 } }, { executed: false, issues: [{ ...typeIssue, side: "input" }] });
    expect(failures.some((f) => /did not run \(the input is invalid\)/.test(f.message))).toBe(true);
  });

  it("checks throws by substring", () => {
    expect(evaluateExpectations({ throws: "no tier" }, { executed: true, issues: [], thrown: { message: "contact has no tier" } })).toEqual([]);
    expect(evaluateExpectations({ throws: "no tier" }, { executed: true, issues: [], thrown: { message: "boom" } })[0]?.message).toBe(
      'expected a throw containing "no tier", got "boom"',
    );
    expect(evaluateExpectations({ throws: "no tier" }, { executed: true, output: {}, issues: [] })[0]?.message).toMatch(/but it returned/);
  });
});
