// How runs are cut into batches and spread over workers: adaptive sizes, a small run that stays on one worker unless its
// cases are slow, and durations a transform cannot poison.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../../src/core/types.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

const definition = { id: "batches", name: "batches", schema: { input: { type: "object" }, output: { type: "object" } } };

/** `count` cases numbered in their trigger, so a transform can pick one. */
const numbered = (count: number) => Array.from({ length: count }, (_, n) => ({ name: `case ${n}`, payload: { n } }));

let project: TempProject;
beforeAll(async () => {
  project = await createTempProject();
});
afterAll(() => project.remove());

async function run(dir: string, workers: number): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for await (const result of runCases({ actions: [dir], workers, buildDir: `${project.root}/.cxda/build` })) results.push(result);
  return results;
}

describe("batches", () => {
  it("a transform that replaces performance.now is stopped on its case and the run finishes (regression: NaN durations hung the run)", async () => {
    const dir = await project.addAction("clock", {
      definition,
      transform: "export default function t(trigger) { if (trigger.n === 0) performance.now = () => NaN; return { n: trigger.n }; }",
      cases: { "many.json": numbered(2_000) },
    });
    const results = await run(dir, 1);
    expect(results).toHaveLength(2_000);
    expect(results[0]).toMatchObject({
      status: "error",
      error: { code: "E_SANDBOX", message: expect.stringMatching(/^the transform changed performance\.now, which every later case would share/) },
    });
    expect(results.slice(1).every((result) => result.status === "pass" && Number.isFinite(result.durationMs))).toBe(true);
  });

  it("keeps a small run of quick cases on one worker", async () => {
    const dir = await project.addAction("quick", {
      definition,
      transform: "export default function t() { return { pid: process.pid }; }",
      cases: { "few.json": numbered(12) },
    });
    const pids = new Set((await run(dir, 2)).map((result) => (result.output as { pid: number }).pid));
    expect(pids.size).toBe(1);
  });

  it("gives a small run of slow cases its other workers once the first case shows it is slow", async () => {
    const dir = await project.addAction("slow", {
      definition,
      transform: "export default function t() { const until = Date.now() + 150; while (Date.now() < until); return { pid: process.pid }; }",
      cases: { "few.json": numbered(12) },
    });
    const results = await run(dir, 2);
    expect(results.every((result) => result.status === "pass")).toBe(true);
    expect(new Set(results.map((result) => (result.output as { pid: number }).pid)).size).toBe(2);
  });

  it("refuses a trigger.json nested past 256 levels on the cases that use it, and runs the other actions (regression: it ended the whole run)", async () => {
    let deep: unknown = { leaf: true };
    for (let level = 0; level < 2_000; level++) deep = { deep };
    const good = await project.addAction("deep-a-good", { definition, transform: "export default () => ({})", cases: { "one.json": numbered(2) } });
    const bad = await project.addAction("deep-b-trigger", {
      definition,
      transform: "export default () => ({})",
      trigger: deep as Record<string, unknown>,
      cases: { "one.json": [{ name: "uses it" }] },
    });
    const results: CaseResult[] = [];
    for await (const result of runCases({ actions: [good, bad], workers: 1, buildDir: `${project.root}/.cxda/build` })) results.push(result);
    expect(results.map((result) => result.status)).toEqual(["pass", "pass", "error"]);
    expect(results[2]!.error).toMatchObject({ code: "E_CASE", message: expect.stringMatching(/trigger\.json: nested more than 256 levels deep/) });
  });

  it("refuses a set path of more segments than a case may nest, naming the case", async () => {
    const path = Array.from({ length: 5_000 }, () => "a").join(".");
    const dir = await project.addAction("deep-path", {
      definition,
      transform: "export default () => ({})",
      cases: { "one.json": [{ name: "deep", set: { [path]: 1 } }] },
    });
    const [result] = await run(dir, 1);
    expect(result).toMatchObject({
      status: "error",
      error: {
        code: "E_CASE",
        message: expect.stringMatching(/one\.json#0 \(case "deep"\): the path "a\.a\.a.*" \(with its value\) nests more than 256 levels deep/),
      },
    });
  });

  it("keeps what a case queued with queueMicrotask or process.nextTick on that case (regression: it landed on a later case)", async () => {
    const dir = await project.addAction("deferred", {
      definition,
      transform: [
        "export default function t(trigger) {",
        "  if (trigger.n === 0) queueMicrotask(() => console.log('late from case 0'));",
        "  if (trigger.n === 1) process.nextTick(() => { throw new Error('thrown later by case 1'); });",
        "  return { n: trigger.n };",
        "}",
      ].join("\n"),
      cases: { "few.json": numbered(80) },
    });
    const results = await run(dir, 1);
    const logsOf = (n: number): string => results[n]!.logs.map((entry) => entry.message).join("\n");
    expect(logsOf(0)).toContain("late from case 0");
    expect(logsOf(1)).toMatch(/uncaught exception in the transform: thrown later by case 1/);
    expect(results.slice(2).every((result) => result.logs.length === 0)).toBe(true);
  });
});
