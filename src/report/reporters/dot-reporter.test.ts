import { describe, expect, it } from "vitest";
import type { CaseResult } from "../../core/types.js";
import { caseResultLines } from "../case-lines.js";
import type { ReportOutput } from "../reporter.js";
import { startReportSession } from "../report-session.js";
import { dotReporter, type DotReporterOptions } from "./dot-reporter.js";

function result(name: string, status: CaseResult["status"], extra: Partial<CaseResult> = {}): CaseResult {
  return { action: "billing", case: name, status, durationMs: 1, issues: [], failures: [], logs: [], trace: { steps: [] }, ...extra } as CaseResult;
}

const FAILED = result("string score", "fail", { failures: [{ message: 'output /score: must be integer, got string "87"' }] } as Partial<CaseResult>);
const ERRORED = result("hangs", "error", { error: { code: "E_TIMEOUT", message: "the transform ran past 300 ms" } } as Partial<CaseResult>);

/** A terminal that records what is printed (with its styles as tags) and each status line. */
function fakeTerminal(paints = true): { output: ReportOutput; lines: string[]; statuses: string[] } {
  const lines: string[] = [];
  const statuses: string[] = [];
  const output: ReportOutput = { print: (line = "") => void lines.push(line), paint: (style, text) => (paints ? `<${style}>${text}</>` : text) };
  return { output, lines, statuses };
}

async function run(results: CaseResult[], options: DotReporterOptions, paints = true) {
  const terminal = fakeTerminal(paints);
  const session = await startReportSession([dotReporter({ ...options, status: (line) => void terminal.statuses.push(line) })], {
    output: terminal.output,
  });
  for (const r of results) await session.add(r);
  const { summary } = await session.end();
  return { ...terminal, summary };
}

describe("dotReporter", () => {
  it("prints . for a pass, x for a failure and E for an error, each run of a colour painted once", async () => {
    const { lines, statuses } = await run([result("good", "pass"), FAILED, ERRORED], { summary: false });
    expect(statuses).toEqual([".", ".x", ".xE"]);
    expect(lines[0]).toBe("<green>.</><red>xE</>");
  });

  it("wraps the marks at the terminal's width, 80 when it is not given", async () => {
    const passes = Array.from({ length: 100 }, (_, i) => result(`p${i}`, "pass"));
    const narrow = await run(passes, { columns: 30, summary: false }, false);
    expect(narrow.lines).toEqual([".".repeat(30), ".".repeat(30), ".".repeat(30), ".".repeat(10)]);
    expect(Math.max(...narrow.statuses.map((s) => s.length))).toBe(29);
    const unknown = await run([...passes, FAILED], { summary: false }, false);
    expect(unknown.lines.slice(0, 2)).toEqual([".".repeat(80), `${".".repeat(20)}x`]);
  });

  it("prints the cases that did not pass as the default reporter does, then its counts", async () => {
    const { lines, output, summary } = await run([result("good", "pass"), FAILED, ERRORED], {});
    expect(lines).toEqual([
      "<green>.</><red>xE</>",
      "",
      ...caseResultLines(output, FAILED),
      ...caseResultLines(output, ERRORED),
      "",
      `<dim>3 cases in ${Math.round(summary.durationMs)} ms</>`,
      "1 passed, 2 failed",
    ]);
    expect(lines.join("\n")).toContain('output /score: must be integer, got string "87"');
    expect(lines.join("\n")).toContain("E_TIMEOUT");
  });

  it("leaves the counts to the caller with summary: false, and prints no failure block when all passed", async () => {
    const { lines } = await run([result("a", "pass"), result("b", "pass")], { summary: false }, false);
    expect(lines).toEqual([".."]);
  });

  it("rejects a width that is not a positive integer", () => {
    expect(() => dotReporter({ columns: 0 })).toThrow(/columns must be a positive integer, got 0/);
  });
});
