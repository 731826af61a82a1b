import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { renderHtmlReport } from "./html-report.js";
import { renderJson } from "./render-json.js";

function result(partial: Partial<CaseResult>): CaseResult {
  return { action: "a", case: "c", status: "pass", issues: [], failures: [], logs: [], trace: { steps: [] }, durationMs: 1, ...partial };
}

describe("renderHtmlReport", () => {
  it("is one document that loads nothing from elsewhere", () => {
    const html = renderHtmlReport({ summary: { total: 1, passed: 1, failed: 0, errors: 0, durationMs: 3 }, cases: [{ result: result({}) }] });
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b|\bsrc=|@import|url\(/i);
    expect(html).toContain("default-src 'none'");
  });

  it("escapes names and messages, and redacts secrets in payloads and outputs", () => {
    const html = renderHtmlReport({
      summary: { total: 1, passed: 0, failed: 1, errors: 1, durationMs: 3 },
      cases: [
        {
          result: result({
            case: "<script>alert(1)</script>",
            status: "error",
            output: { password: "pw-123" },
            error: { code: "E_TRANSFORM", message: "bad <b>" },
          }),
          trigger: { contact: { attributes: { accessKey: "AK-999" } } },
        },
      ],
    });
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("bad &lt;b&gt;");
    expect(html).not.toContain("pw-123");
    expect(html).not.toContain("AK-999");
    expect(html).toContain("no step ran");
  });
});

describe("regressions", () => {
  it("shows a right-to-left override and other control characters of a case name, a message and an output as escapes (the override reversed the fail badge beside the name)", () => {
    const html = renderHtmlReport({
      summary: { total: 1, passed: 0, failed: 1, errors: 0, durationMs: 3 },
      cases: [
        {
          result: result({
            case: "second fail \u202e rtl \u0007",
            status: "fail",
            output: { note: "x\u202ey\u2066" },
            failures: [{ expectation: "match", message: "output /note: got \u202e", path: "/note", expected: "a\u202eb", actual: "x\u202ey\u2066" }],
          }),
        },
      ],
    });
    for (const raw of ["\u0007", "\u202e", "\u2066"]) expect(html).not.toContain(raw);
    expect(html).toContain("second fail \\u202e rtl \\u0007");
  });
});

describe("renderHtmlReport failures", () => {
  const failing = (name: string, expected: string, actual: string): CaseResult =>
    result({
      case: name,
      status: "fail",
      output: { note: actual },
      failures: [{ expectation: "match", message: "output /note differs", path: "/note", expected, actual }],
      location: { file: "/elsewhere/cases/notes.json", line: 7, column: 3 },
    });

  it("opens the first case that did not pass, and only that one", () => {
    const html = renderHtmlReport({
      summary: { total: 3, passed: 1, failed: 2, errors: 0, durationMs: 3 },
      cases: [{ result: result({ case: "fine" }) }, { result: failing("first", "a", "b") }, { result: failing("second", "a", "b") }],
    });
    expect(html.match(/<details class="case"[^>]*\bopen\b/g)).toHaveLength(1);
    expect(html).toMatch(/<details class="case" id="case-a-first-1" data-status="fail" open>/);
  });

  it("marks the changed characters of a string difference with del and ins, escaped, and names the case's file:line:column", () => {
    const html = renderHtmlReport({
      summary: { total: 1, passed: 0, failed: 1, errors: 0, durationMs: 3 },
      cases: [{ result: failing("strings", "order <CUST-4412> ok", "order <CUST-4413> ok") }],
    });
    expect(html).toContain('<code>"order &lt;CUST-441<del class="chg">2</del>&gt; ok"</code>');
    expect(html).toContain('<code>"order &lt;CUST-441<ins class="chg">3</ins>&gt; ok"</code>');
    expect(html).toContain("from /elsewhere/cases/notes.json:7:3");
  });
});

describe("renderJson", () => {
  it("highlights the value at a pointer and shows a missing property as a ghost in its parent", () => {
    const html = renderJson({ a: { "b/c": 1 }, list: [true] }, [
      { path: "/a/b~1c", note: "must be string" },
      { path: "/list/0", note: "must be false" },
      { path: "/a/needed", note: "is required" },
    ]);
    expect(html).toContain('<mark class="hl" title="must be string"><span class="j-n">1</span></mark>');
    expect(html).toContain('<mark class="hl" title="must be false"><span class="j-b">true</span></mark>');
    expect(html).toContain('<span class="j-ghost"><span class="j-k">&quot;needed&quot;</span>: (missing)</span>');
  });
});
