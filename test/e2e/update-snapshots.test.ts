// The built CLI's snapshots: `cxda test -u` and the "<snapshot>" placeholder, on a temp copy of the example action.
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cxda } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, type TempProject } from "../helpers/temp-project.js";

const FIRST = "a premium billing trigger maps every field";
const SECOND = "a standard-tier contact gets standard priority";
const THIRD = "a contact without customerId becomes UNKNOWN";
/** The first case's output, as the example's transform returns it. */
const OUTPUT = {
  recordId: "rec-i-774421",
  customerId: "CUST-4412",
  issueCategory: "billing",
  priority: "high",
  resolutionScore: 87,
  processedAt: "2026-11-20T10:00:00.000Z",
};
/** Not in CI, whatever the machine running these tests says (a placeholder is only written outside CI). */
const LOCAL = { CI: "" };

describe("cxda test -u and the <snapshot> placeholder", () => {
  let project: TempProject;
  let rules: string;
  let original: string;
  beforeEach(async () => {
    project = await createTempProject();
    await cp(EXAMPLE_DIR, join(project.root, "bc"), { recursive: true });
    rules = join(project.root, "bc", "cases", "rules.json");
    original = await readFile(rules, "utf8");
  });
  afterEach(async () => {
    await project.remove();
  });

  const run = (args: string[], env: Record<string, string> = LOCAL) => cxda(["test", "bc", ...args], { cwd: project.root, env });
  /** The rules file with these cases' `expect` replaced, laid out as the example is (2 spaces). */
  const withExpect = async (expects: Record<number, unknown>): Promise<void> => {
    const cases = JSON.parse(original) as Array<Record<string, unknown>>;
    for (const [index, expectation] of Object.entries(expects)) cases[Number(index)]!.expect = expectation;
    await writeFile(rules, `${JSON.stringify(cases, null, 2)}\n`);
  };

  it("turns a case failing on a wrong expect.output into a passing one, changing only that value", async () => {
    // The first "priority": "high" of the file is the first case's expected output.
    await writeFile(rules, original.replace('"priority": "high"', '"priority": "low"'));
    const failing = await run([]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('output /priority: expected "low", got "high"');

    const updated = await run(["-u"]);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain(`updated bc/cases/rules.json › ${FIRST}`);
    expect(updated.stdout).toContain("snapshots: 1 case updated");
    expect(updated.stdout).toContain("14 passed, 0 failed");
    // The real output is the example's own expectation: the file is the original again, byte for byte.
    expect(await readFile(rules, "utf8")).toBe(original);

    const again = await run([]);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("snapshots:");
  });

  it("leaves a case that also fails on something else, or only on something else, and exits 1 for them alone", async () => {
    await withExpect({
      0: { output: { priority: "low" }, valid: false },
      1: { output: { priority: "low" } },
      // Its output matches; only "valid" fails: -u has nothing to do with it.
      2: { output: { ...OUTPUT, customerId: "UNKNOWN" }, errors: [{ path: "/x", keyword: "type" }] },
    });
    const before = JSON.parse(await readFile(rules, "utf8")) as unknown[];
    const updated = await run(["--update"]);
    expect(updated.code).toBe(1);
    expect(updated.stdout).toContain(`updated bc/cases/rules.json › ${SECOND}`);
    expect(updated.stdout).toContain(`not updated bc/cases/rules.json › ${FIRST}: it also fails on valid`);
    expect(updated.stdout).not.toContain(`› ${THIRD}:`);
    expect(updated.stdout).toContain("snapshots: 1 case updated, 1 case not updated");
    expect(updated.stdout).toContain("12 passed, 2 failed");
    const after = JSON.parse(await readFile(rules, "utf8")) as Array<{ expect: Record<string, unknown> }>;
    expect(after[0]).toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    expect(after[1]?.expect.output).toEqual({ ...OUTPUT, priority: "standard" });
  });

  it("fills a <snapshot> placeholder on the first run, for the selected cases only", async () => {
    await withExpect({ 1: { output: "<snapshot>" }, 2: { output: "<snapshot>" } });
    const first = await run(["--filter", SECOND]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`written bc/cases/rules.json › ${SECOND}`);
    expect(first.stdout).toContain("snapshots: 1 case written");
    const after = JSON.parse(await readFile(rules, "utf8")) as Array<{ expect: { output?: unknown } }>;
    expect(after[1]?.expect.output).toEqual({ ...OUTPUT, priority: "standard" });
    // The case the filter left out keeps its placeholder.
    expect(after[2]?.expect.output).toBe("<snapshot>");

    const json = await run(["--json"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { summary: { failed: number }; snapshots: { changes: unknown[] } };
    expect(report.summary.failed).toBe(0);
    expect(report.snapshots.changes).toEqual([{ action: "da-test-12345", case: THIRD, file: "bc/cases/rules.json", change: "written" }]);
  });

  it("fails a placeholder in CI, saying to run cxda test -u locally, and writes nothing", async () => {
    await withExpect({ 1: { output: "<snapshot>" } });
    const before = await readFile(rules, "utf8");
    const ci = await run([], { CI: "1" });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain(
      'expect.output is "<snapshot>" and CI is set, where snapshots are not written: run `cxda test -u` locally and commit bc/cases/rules.json',
    );
    expect(ci.stdout).toContain("13 passed, 1 failed");
    expect(await readFile(rules, "utf8")).toBe(before);
  });
});
