// cxda bench produces well-formed figures for every source (never asserting a speed: machines are shared and noisy).
import { describe, expect, it } from "vitest";
import { createBenchMode } from "../../../src/bench/bench-sources.js";
import { runBench, type BenchReport } from "../../../src/bench/run-bench.js";
import { buildSetCases, type SetCase } from "../../../src/bench/set-cases.js";
import { getPath } from "../../../src/payloads/dotted-path.js";
import { loadAction } from "../../../src/runner/load-action.js";
import { createValidator } from "../../../src/validation/create-validator.js";
import { cxda } from "../../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition } from "../../helpers/temp-project.js";

/** Every rate and cost of `report` is a finite positive number. */
function expectWellFormed(report: BenchReport, rounds: number): void {
  for (const key of ["limitCasesPerSec", "harnessCasesPerSec", "harnessFullCasesPerSec", "poolStartMs", "ratio", "peakRssMb"] as const) {
    expect(Number.isFinite(report[key])).toBe(true);
    expect(report[key]).toBeGreaterThan(0);
  }
  expect(report.ratio).toBeCloseTo(report.harnessCasesPerSec / report.limitCasesPerSec, 2);
  expect(report.samples.limit).toHaveLength(rounds);
  expect(report.samples.harness).toHaveLength(rounds);
  expect(report.samples.harnessFull).toHaveLength(rounds);
  for (const value of Object.values(report.cpuMicrosPerCase)) expect(value).toBeGreaterThan(0);
}

describe("runBench", () => {
  it("reports both rates, their ratio, the worker count and peak RSS", async () => {
    const report = await runBench({ action: EXAMPLE_DIR, cases: 300, rounds: 2, workers: 2 });
    expect(report).toMatchObject({ action: "da-test-12345", source: "triggers", cases: 300, workers: 2, rounds: 2 });
    expectWellFormed(report, 2);
    expect(Object.keys(report.crossingMicrosPerCase).sort()).toEqual(["freeze", "parse", "serialise"]);
    for (const value of Object.values(report.crossingMicrosPerCase)) expect(value).toBeGreaterThan(0);
  });

  it.each(["cases", "generated"] as const)("measures --source %s, with a build step in the crossing", async (source) => {
    const report = await runBench({ action: EXAMPLE_DIR, source, cases: 300, rounds: 1 });
    expect(report).toMatchObject({ action: "da-test-12345", source, cases: 300, workers: 1, rounds: 1 });
    expectWellFormed(report, 1);
    expect(Object.keys(report.crossingMicrosPerCase).sort()).toEqual(["build", "freeze", "parse", "serialise"]);
    for (const value of Object.values(report.crossingMicrosPerCase)) expect(Number.isFinite(value) && value >= 0).toBe(true);
    expect(report.crossingMicrosPerCase.build).toBeGreaterThan(0);
  });

  it("gives --source cases the shape of case files: a name, 1 to 3 set paths, no payload; most built triggers validate", async () => {
    const action = await loadAction(EXAMPLE_DIR);
    const definition = action.definition!;
    const { cases, paths } = buildSetCases(definition, action.defaultTrigger, 300, "bench");
    expect(paths.length).toBeGreaterThan(1);
    for (const [i, definitionOfCase] of cases.entries()) {
      expect(definitionOfCase.name).toBe(`bench #${i}`);
      expect(definitionOfCase).not.toHaveProperty("payload");
      expect(definitionOfCase.expect).toEqual({});
      const set = Object.keys(definitionOfCase.set);
      expect(set.length).toBeGreaterThanOrEqual(1);
      expect(set.length).toBeLessThanOrEqual(3);
      for (const path of set) expect(paths).toContain(path);
    }
    // The same seed gives the same cases.
    expect(buildSetCases(definition, action.defaultTrigger, 300, "bench").cases).toEqual(cases);

    const mode = createBenchMode("cases", { definition, defaultTrigger: action.defaultTrigger, count: 300, seed: "bench" });
    const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
    const triggers = mode.cases.map((_, i) => mode.triggerOf(i));
    expect(triggers.every((trigger) => Object.isFrozen(trigger))).toBe(true);
    const valid = triggers.filter((trigger) => input.validate(trigger).length === 0).length;
    expect(valid).toBeGreaterThan(triggers.length * 0.9);
    // Each trigger is the base with its case's values set, and the rest of the base as it was.
    for (const [i, trigger] of triggers.entries()) {
      const { set } = mode.cases[i] as SetCase;
      for (const [path, value] of Object.entries(set)) expect(getPath(trigger, path)).toEqual(value);
      expect(getPath(trigger, "data")).toEqual(action.defaultTrigger!.data);
    }
  });

  it("runs --source cases on an action without trigger.json, on the trigger generated for each case's name", async () => {
    const project = await createTempProject();
    try {
      const dir = await project.addAction("no-trigger", {
        definition: await exampleDefinition(),
        transform:
          "export default (t) => ({ recordId: 'rec-' + t.interaction.id, customerId: 'c', issueCategory: 'general', priority: 'standard', resolutionScore: 1, processedAt: t.timestamp })",
      });
      const report = await runBench({ action: dir, source: "cases", cases: 50, rounds: 1, buildDir: `${project.root}/.build` });
      expect(report.source).toBe("cases");
      expect(report.harnessCasesPerSec).toBeGreaterThan(0);
      expect(report.limitCasesPerSec).toBeGreaterThan(0);
    } finally {
      await project.remove();
    }
  });

  it("refuses an unknown source, naming the sources it takes", async () => {
    await expect(runBench({ action: EXAMPLE_DIR, source: "files" as never, cases: 10, rounds: 1 })).rejects.toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("source must be one of triggers, cases, generated") as unknown,
    });
  });

  it("refuses a folder of several actions", async () => {
    const project = await createTempProject();
    try {
      await project.addAction("one", { transform: "export default () => ({})" });
      await project.addAction("two", { transform: "export default () => ({})" });
      await expect(runBench({ action: project.root, cases: 10, rounds: 1 })).rejects.toThrow(/holds 2 actions; bench takes one action folder/);
    } finally {
      await project.remove();
    }
  });
});

describe("cxda bench", () => {
  it("exits 2 for an unknown --source, naming the sources it takes, before measuring anything", async () => {
    const run = await cxda(["bench", EXAMPLE_DIR, "--source", "files"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cxda: E_USAGE --source must be one of triggers, cases, generated, got "files"');
    expect(run.stdout).toBe("");
  });
});
