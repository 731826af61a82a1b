// cxda bench produces well-formed figures (never asserting a speed: machines are shared and noisy).
import { describe, expect, it } from "vitest";
import { runBench } from "../../../src/bench/run-bench.js";
import { createTempProject, EXAMPLE_DIR } from "../../helpers/temp-project.js";

describe("runBench", () => {
  it("reports both rates, their ratio, the worker count and peak RSS", async () => {
    const report = await runBench({ action: EXAMPLE_DIR, cases: 300, rounds: 2, workers: 2 });
    expect(report).toMatchObject({ action: "da-test-12345", cases: 300, workers: 2, rounds: 2 });
    for (const key of ["limitCasesPerSec", "harnessCasesPerSec", "harnessFullCasesPerSec", "poolStartMs", "ratio", "peakRssMb"] as const) {
      expect(Number.isFinite(report[key])).toBe(true);
      expect(report[key]).toBeGreaterThan(0);
    }
    expect(report.ratio).toBeCloseTo(report.harnessCasesPerSec / report.limitCasesPerSec, 2);
    expect(report.samples.limit).toHaveLength(2);
    expect(report.samples.harness).toHaveLength(2);
    expect(report.samples.harnessFull).toHaveLength(2);
    for (const value of Object.values(report.cpuMicrosPerCase)) expect(value).toBeGreaterThan(0);
    expect(Object.keys(report.crossingMicrosPerCase).sort()).toEqual(["freeze", "parse", "serialise"]);
    for (const value of Object.values(report.crossingMicrosPerCase)) expect(value).toBeGreaterThan(0);
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
