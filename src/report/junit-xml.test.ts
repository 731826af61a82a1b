import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { CaseResult } from "../core/types.js";
import { escapeXml, toJunitXml } from "./junit-xml.js";

function result(action: string, name: string, status: CaseResult["status"], extra: Partial<CaseResult> = {}): CaseResult {
  return { action, case: name, status, issues: [], failures: [], logs: [], trace: { steps: [] }, durationMs: 1.5, ...extra };
}

const results: CaseResult[] = [
  result("billing", "passes", "pass", { source: "actions/billing/cases/a.json#0" }),
  result("billing", 'score "87" <string>', "fail", {
    failures: [{ expectation: "issues", message: 'output /resolutionScore: must be integer, got string "87"', path: "/resolutionScore" }],
    logs: [{ level: "log", message: "built & sent", atMs: 0.1 }],
  }),
  result("tags", "hangs", "error", { error: { code: "E_TIMEOUT", message: "the transform did not finish within 2000 ms" } }),
];

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) });

interface TestCase {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; type: string; "#text": string };
  error?: { message: string; type: string };
  "system-out"?: string;
}

describe("toJunitXml", () => {
  const xml = toJunitXml(results, { timestamp: new Date("2026-11-27T10:00:00Z") });
  const doc = parser.parse(xml) as {
    testsuites: {
      tests: string;
      failures: string;
      errors: string;
      testsuite: Array<{ name: string; tests: string; failures: string; errors: string; testcase: TestCase[] }>;
    };
  };

  it("is well-formed XML", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it("has the JUnit structure: testsuites > testsuite per action > testcase per case, with counts", () => {
    expect(doc.testsuites).toMatchObject({ tests: "3", failures: "1", errors: "1" });
    expect(doc.testsuites.testsuite.map((s) => [s.name, s.tests, s.failures, s.errors])).toEqual([
      ["billing", "2", "1", "0"],
      ["tags", "1", "0", "1"],
    ]);
    const billing = doc.testsuites.testsuite[0]!.testcase;
    expect(billing.map((c) => [c.name, c.classname, c.time])).toEqual([
      ["passes", "billing", "0.002"],
      ['score "87" <string>', "billing", "0.002"],
    ]);
  });

  it("puts the reasons in the failure body and the code on errors", () => {
    const failing = doc.testsuites.testsuite[0]!.testcase[1]!;
    expect(failing.failure?.message).toBe('output /resolutionScore: must be integer, got string "87"');
    expect(failing.failure?.["#text"]).toContain("must be integer");
    expect(failing["system-out"]).toBe("[log] built & sent");
    expect(doc.testsuites.testsuite[1]!.testcase[0]!.error).toMatchObject({
      type: "E_TIMEOUT",
      message: "the transform did not finish within 2000 ms",
    });
  });

  it("puts a compile error's file:line:column in the error's message attribute, not only its first line", () => {
    const broken = result("a", "one", "error", {
      notRun: true,
      error: { code: "E_COMPILE", message: "a/transform.ts: the transform does not compile:\n  a/transform.ts:2:9: Expected identifier" },
    });
    expect(toJunitXml([broken])).toContain(
      '<error message="a/transform.ts: the transform does not compile: a/transform.ts:2:9: Expected identifier" type="E_COMPILE">',
    );
  });

  it("escapes markup and drops characters XML cannot hold", () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;");
  });
});
