import { describe, expect, it } from "vitest";
import type { CaseResult, TraceStep } from "../core/types.js";
import { declarativeStepLines } from "./declarative-steps.js";
import { renderHtmlReport } from "./html-report.js";

function step(name: TraceStep["step"], detail: Record<string, unknown>, ok: boolean | null = true): TraceStep {
  return { step: name, name, ok, startedAt: 0, durationMs: 1, detail };
}

const steps: TraceStep[] = [
  step("resolve-request", {
    method: "POST",
    url: "https://x/y",
    headers: { "Content-Type": "application/json" },
    body: '{\n "a": 1\n}',
    warnings: ["${input.b} in url (1:5) does not resolve"],
  }),
  step("upstream", { target: "stub", status: 200, headers: {}, body: '{"user":{"name":"Ada"}}' }),
  step("translation-map", {
    entries: [
      { key: "name", path: "$.user.name", definite: true, matches: 1, usedDefault: false, value: '"Ada"' },
      { key: "plan", path: "$.plan", definite: true, matches: 0, usedDefault: true, value: '"basic"' },
    ],
  }),
  step("success-template", { text: '{ "name": "Ada" }' }),
];

describe("declarativeStepLines", () => {
  it("shows the request, the answer, each key and the rendered output as lines", () => {
    expect(steps.flatMap(declarativeStepLines)).toEqual([
      "POST https://x/y",
      "Content-Type: application/json",
      'body: { "a": 1 }',
      "warning: ${input.b} in url (1:5) does not resolve",
      "200 from the stub",
      'body: {"user":{"name":"Ada"}}',
      'name ← $.user.name  (1 match, definite)  "Ada"',
      'plan ← $.plan  (0 matches, definite, default used)  "basic"',
      '{ "name": "Ada" }',
    ]);
  });

  it("shows a failed step's error, nothing for a skipped one, and nothing for other steps", () => {
    expect(
      declarativeStepLines(step("upstream", { status: 404, target: "live", body: "gone", error: "E_UPSTREAM", message: "status 404" }, false)),
    ).toEqual(["404 from the live endpoint", "body: gone", "error: status 404"]);
    expect(declarativeStepLines(step("translation-map", { skipped: "an earlier step failed" }, null))).toEqual([]);
    expect(declarativeStepLines(step("execute", { error: "E_X" }))).toEqual([]);
  });

  it("puts the steps in the HTML report, escaped", () => {
    const result: CaseResult = {
      action: "a",
      case: "c",
      status: "pass",
      issues: [],
      failures: [],
      logs: [],
      durationMs: 4,
      trace: { steps: [...steps, step("success-template", { text: "<script>alert(1)</script>" })] },
    };
    const html = renderHtmlReport({ cases: [{ result }], summary: { total: 1, passed: 1, failed: 0, errors: 0, durationMs: 4 } });
    expect(html).toContain("<h4>Request and response</h4>");
    expect(html).toContain('data-step="translation-map"');
    expect(html).toContain("name ← $.user.name");
    expect(html).not.toContain("<script>alert(1)</script>");
  });
});
