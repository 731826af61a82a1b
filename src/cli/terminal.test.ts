import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { caseDetailLines, caseLines } from "./report-case.js";
import { paint, printable, type Terminal } from "./terminal.js";

// eslint-disable-next-line no-control-regex -- looking for control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const OWN_COLOURS = /\u001b\[(?:1|2|22|31|32|33|36|39)m/g; // eslint-disable-line no-control-regex

function terminal(color: boolean): Terminal {
  return { out: () => undefined, err: () => undefined, color };
}

const hostile: CaseResult = {
  action: "act\u001b]8;;https://evil.test\u0007ion",
  case: "name \u001b[31mred\u001b[39m \u001b[2J\rover",
  status: "error",
  durationMs: 3,
  issues: [],
  failures: [{ expectation: "output", message: "expected \u009b2J", path: "/x" }],
  error: {
    code: "E_TRANSFORM",
    message: "the transform threw Error: \u001b[2Jboom",
    stack: "Error: x\n    at t (/tmp/\u001b]0;title\u0007/transform.ts:1:1)",
  },
  logs: [{ level: "log", message: "\u001b]0;pwned\u0007", atMs: 1 }],
  trace: { steps: [] },
  source: "/tmp/\u001b[2J/cases/a.json",
};

describe("printable", () => {
  it("shows every escape sequence as text on a terminal without colour, ours included", () => {
    expect(printable("\u001b[31mx\u001b[39m \u001b]0;t\u0007", false)).toBe("\\u001b[31mx\\u001b[39m \\u001b]0;t\\u0007");
  });

  it("keeps the colours paint writes on a colour terminal, and shows every other sequence", () => {
    const line = `${paint(terminal(true), "red", "✗")} ${paint(terminal(true), "dim", "(1 ms)")} \u001b[2J \u001b[38;5;1m \u009b31m`;
    expect(printable(line, true)).toBe("\u001b[31m✗\u001b[39m \u001b[2m(1 ms)\u001b[22m \\u001b[2J \\u001b[38;5;1m \\u009b31m");
  });
});

describe("case lines", () => {
  it.each([false, true])("show a hostile case's name, error, stack, failures and path as text (colour %s)", (color) => {
    const lines = caseLines(terminal(color), hostile).join("\n");
    expect(lines.replace(OWN_COLOURS, "")).not.toMatch(RAW_CONTROL);
    expect(lines).toContain("name \\u001b[31mred\\u001b[39m \\u001b[2J\\u000dover");
    expect(lines).toContain("\\u001b[2Jboom");
    expect(lines).toContain("/tmp/\\u001b]0;title\\u0007/transform.ts");
    expect(lines).toContain("expected \\u009b2J");
    expect(lines).toContain("/tmp/\\u001b[2J/cases/a.json");
  });

  it.each([false, true])("show a hostile case's logs and details as text (colour %s)", (color) => {
    const lines = caseDetailLines(terminal(color), { ...hostile, output: { s: "\u009b" } }, { t: "\u0085" }).join("\n");
    expect(lines.replace(OWN_COLOURS, "")).not.toMatch(RAW_CONTROL);
    expect(lines).toContain("\\u001b]0;pwned\\u0007");
  });

  it("show a passing case's name as text", () => {
    const { error: _error, ...rest } = hostile;
    const pass: CaseResult = { ...rest, status: "pass", failures: [] };
    expect(caseLines(terminal(true), pass).join("\n").replace(OWN_COLOURS, "")).not.toMatch(RAW_CONTROL);
  });
});
