// Runs vitest itself, in a child process, on a temp project using describeAction: pass/fail counts, titles and failure messages.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";
import { createVitestProject, CXDA_VITEST, runVitest } from "../../helpers/vitest-project.js";

interface JsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
  testResults: Array<{
    name: string;
    message: string;
    assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string; failureMessages: string[] }>;
  }>;
}

describe("describeAction under vitest", () => {
  let project: TempProject;
  let run: { code: number; output: string };
  let report: JsonReport;
  const results = (file: string) => report.testResults.find((entry) => entry.name.endsWith(file))?.assertionResults ?? [];

  beforeAll(async () => {
    project = await createVitestProject();
    const root = project.root;
    await writeFile(join(root, "cxda.config.json"), JSON.stringify({ vars: { region: "eu" } }));
    await project.addAction("actions/billing", {
      definition: await exampleDefinition(),
      transform: await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8"),
      trigger: JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>,
      cases: {
        "a.json": [
          { name: "premium is high", expect: { match: { priority: "high" } } },
          { name: "standard is wrongly expected high", set: { "contact.attributes.tier": "standard" }, expect: { match: { priority: "high" } } },
        ],
        "b.json": { name: "typo in expect", expect: { mtach: {} } },
      },
    });
    await project.addAction("actions/regional", {
      definition: { id: "da-regional", schema: { input: true, output: { type: "object", required: ["region"] } } },
      transform: "export default function transform(trigger, ctx) { return { region: ctx.vars.region }; }\n",
      cases: {
        "vars.json": [
          { name: "region from the config", expect: { output: { region: "eu" } } },
          { name: "a case's own vars win", vars: { region: "us" }, expect: { output: { region: "us" } } },
        ],
      },
    });
    await writeFile(
      join(root, "tests", "example.test.ts"),
      `import { describeAction } from ${CXDA_VITEST};\ndescribeAction(${JSON.stringify(EXAMPLE_DIR)}, { concurrent: true });\n`,
    );
    await writeFile(
      join(root, "tests", "project.test.ts"),
      `import { describeAction } from ${CXDA_VITEST};\ndescribeAction("actions/billing");\ndescribeAction(new URL("../actions/regional", import.meta.url), { title: "regional" });\n`,
    );
    run = await runVitest(root, ["--reporter=json", `--outputFile=${join(root, "result.json")}`]);
    report = JSON.parse(await readFile(join(root, "result.json"), "utf8")) as JsonReport;
  }, 180_000);

  afterAll(async () => {
    await project?.remove();
  });

  it("counts every case as a test: the example's 14 pass, the failing and broken cases fail, and vitest exits 1", () => {
    expect({ passed: report.numPassedTests, failed: report.numFailedTests, total: report.numTotalTests }).toEqual({
      passed: 17,
      failed: 2,
      total: 19,
    });
    expect(run.code).toBe(1);
  });

  it("runs the example's cases as one suite titled by the action id, one test per case", () => {
    const tests = results("example.test.ts");
    expect(tests).toHaveLength(14);
    expect(new Set(tests.map((test) => test.ancestorTitles.join(" > ")))).toEqual(new Set(["da-test-12345"]));
    expect(tests.every((test) => test.status === "passed")).toBe(true);
    expect(tests[0]?.title).toBe("a premium billing trigger maps every field");
  });

  it("fails a case with its failed expectation and where it is written", () => {
    const failing = results("project.test.ts").find((test) => test.title === "standard is wrongly expected high");
    expect(failing?.status).toBe("failed");
    expect(failing?.failureMessages[0]).toContain(
      [
        "CaseFailedError: da-test-12345 › standard is wrongly expected high failed:",
        '  output /priority: expected "high", got "standard"',
        // The stack's one frame is the case's object in its file: the second of the array, on line 10, column 3.
        `    at standard is wrongly expected high (${join(project.root, "actions", "billing", "cases", "a.json")}:10:3)`,
      ].join("\n"),
    );
  });

  it("turns an unusable case into a failing test that says why", () => {
    const broken = results("project.test.ts").find((test) => test.title === "typo in expect");
    expect(broken?.status).toBe("failed");
    expect(broken?.failureMessages[0]).toContain('unknown key "mtach" (did you mean "match"?)');
  });

  it("takes vars from the project's cxda config, under a case's own vars", () => {
    const regional = results("project.test.ts").filter((test) => test.ancestorTitles[0] === "regional");
    expect(regional.map((test) => [test.title, test.status])).toEqual([
      ["region from the config", "passed"],
      ["a case's own vars win", "passed"],
    ]);
  });
});
