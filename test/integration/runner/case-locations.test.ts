// Real workers, a real case file: each result carries where its case is written, and the terminal lines show the diff.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../../src/core/types.js";
import { caseResultLines } from "../../../src/report/case-lines.js";
import { SILENT_OUTPUT } from "../../../src/report/reporter.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

const CASES = `[
  { "name": "passes", "expect": { "output": { "greeting": "hello Ada" } } },
  {
    "name": "expects another greeting",
    "set": { "who": "Grace" },
    "expect": { "output": { "greeting": "hello Ada" } }
  },
      { "name": "has a typo", "expect": { "outptu": {} } }
]
`;

describe("case locations through a run", () => {
  let project: TempProject;
  let results: CaseResult[];
  let file: string;

  beforeAll(async () => {
    project = await createTempProject();
    const dir = await project.addAction("greet", {
      definition: { id: "da-greet", schema: { input: true, output: { type: "object" } } },
      transform: "export default function transform(trigger) { return { greeting: `hello ${trigger.who}` }; }\n",
      trigger: { who: "Ada" },
      cases: { "greetings.json": CASES },
    });
    file = join(dir, "cases", "greetings.json");
    results = [];
    for await (const result of runCases({ actions: [dir], buildDir: join(project.root, ".build") })) results.push(result);
  }, 60_000);

  afterAll(async () => {
    await project?.remove();
  });

  it("gives every result, the broken case's too, the line and column of its object", () => {
    expect(results.map((r) => [r.case, r.status, r.location])).toEqual([
      ["passes", "pass", { file, line: 2, column: 3 }],
      ["expects another greeting", "fail", { file, line: 3, column: 3 }],
      ["has a typo", "error", { file, line: 8, column: 7 }],
    ]);
    // source keeps its old form: shards and filters hash it.
    expect(results[1]?.source).toMatch(/greetings\.json#1$/);
  });

  it("prints the failed case with its diff and a clickable location", () => {
    const lines = caseResultLines(SILENT_OUTPUT, results[1]!);
    expect(lines).toContain('      -   "greeting": "hello Ada"');
    expect(lines).toContain('      +   "greeting": "hello Grace"');
    expect(lines[lines.length - 1]).toMatch(/^ {4}at .*greet\/cases\/greetings\.json:3:3$/);
    expect(caseResultLines(SILENT_OUTPUT, results[2]!).at(-1)).toMatch(/greetings\.json:8:7$/);
  });
});
