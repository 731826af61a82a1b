// The terminal's lines for a failed output case: the reasons, a redacted and escaped diff, and a clickable location.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { caseResultLines, caseWhere } from "./case-lines.js";
import { toJunitXml } from "./junit-xml.js";
import { SILENT_OUTPUT } from "./reporter.js";

const CASE_FILE = join(process.cwd(), "actions", "billing", "cases", "rules.json");

function failed(partial: Partial<CaseResult>): CaseResult {
  return {
    action: "billing",
    case: "standard tier",
    status: "fail",
    issues: [],
    failures: [],
    logs: [],
    trace: { steps: [] },
    durationMs: 1.5,
    source: "actions/billing/cases/rules.json#1",
    location: { file: CASE_FILE, line: 12, column: 3 },
    ...partial,
  };
}

const output = { customerId: "CUST-4412", priority: "standard", summary: "billing question", apiKey: "k-live-999" };
const priorityFailure = {
  expectation: "output" as const,
  message: 'output /priority: expected "high", got "standard"',
  path: "/priority",
  expected: "high",
  actual: "standard",
};

describe("caseResultLines for a failed output case", () => {
  it("shows the reason, a - expected / + actual diff of the whole output, and file:line:column", () => {
    const lines = caseResultLines(SILENT_OUTPUT, failed({ output, failures: [priorityFailure] }));
    expect(lines).toEqual([
      "✗ billing › standard tier (1.50 ms)",
      '    output /priority: expected "high", got "standard"',
      "",
      "      - expected",
      "      + actual",
      "",
      "        {",
      '          "apiKey": "[redacted]",',
      '          "customerId": "CUST-4412",',
      '      -   "priority": "high",',
      "                       ^^^^",
      '      +   "priority": "standard",',
      "                       ^^^^^^^^",
      '          "summary": "billing question"',
      "        }",
      "",
      "    at actions/billing/cases/rules.json:12:3",
    ]);
  });

  it("paints the diff's lines and its changed characters when the output has colour", () => {
    const paint = (style: string, text: string): string => `<${style}>${text}</${style}>`;
    const lines = caseResultLines({ paint }, failed({ output, failures: [priorityFailure] }));
    expect(lines).toContain('      <green>-   "priority": "<inverse>high</inverse>",</green>');
    expect(lines).toContain('      <red>+   "priority": "<inverse>standard</inverse>",</red>');
    expect(lines.join("\n")).not.toContain("^^^^");
  });

  it("escapes control characters from the output and the expectation, and redacts a secret path's values", () => {
    const hostile = {
      expectation: "match" as const,
      message: 'output /summary: expected "ok", got "\u001b[2Jwiped"',
      path: "/summary",
      expected: "ok",
      actual: "\u001b[2Jwiped\u009b",
    };
    const secret = { expectation: "match" as const, message: "output /apiKey: …", path: "/apiKey", expected: "k-test-1", actual: "k-live-999" };
    const text = caseResultLines(SILENT_OUTPUT, failed({ output: { ...output, summary: "\u001b[2Jwiped\u009b" }, failures: [hostile, secret] })).join(
      "\n",
    );
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    expect(text).not.toMatch(/[\u001b\u009b]/);
    expect(text).toContain("\\u001b[2Jwiped\\u009b");
    expect(text).not.toContain("k-live-999");
    expect(text).not.toContain("k-test-1");
  });

  it("shows no diff when the transform did not run, and falls back to the source without a location", () => {
    const { location: _location, ...withoutLocation } = failed({
      failures: [{ expectation: "output", message: 'expected an output to compare with "output", but the transform threw' }],
    });
    const lines = caseResultLines(SILENT_OUTPUT, withoutLocation);
    expect(lines.some((line) => line.includes("- expected"))).toBe(false);
    expect(lines[lines.length - 1]).toBe("    at actions/billing/cases/rules.json#1");
  });
});

describe("caseWhere", () => {
  it("prints a case file outside the working folder with its absolute path", () => {
    expect(caseWhere({ location: { file: "/elsewhere/cases/a.json", line: 3, column: 5 } })).toBe("/elsewhere/cases/a.json:3:5");
  });
});

describe("JUnit with locations", () => {
  it("names the case file and line in attributes, and puts the uncoloured diff and location in the failure body", () => {
    const xml = toJunitXml([failed({ output, failures: [priorityFailure] })]);
    expect(xml).toContain('file="actions/billing/cases/rules.json" line="12"');
    expect(xml).toContain("-   &quot;priority&quot;: &quot;high&quot;,\n                 ^^^^");
    expect(xml).not.toContain("k-live-999");
    expect(xml).toContain("at actions/billing/cases/rules.json:12:3");
  });
});
