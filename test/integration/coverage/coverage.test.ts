// V8 coverage in real workers: the 50% fixture is exact with any worker count, only user code counts, reports and thresholds.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../../src/core/types.js";
import { createCoverageCollector, type CollectedCoverage } from "../../../src/coverage/coverage-collector.js";
import { writeCoverageReports } from "../../../src/coverage/coverage-reports.js";
import { summariseCoverage } from "../../../src/coverage/coverage-summary.js";
import { checkCoverageThresholds, resolveCoverageThresholds } from "../../../src/coverage/coverage-thresholds.js";
import { createWorkerPool } from "../../../src/executor/worker-pool.js";
import { runCases, type RunCasesOptions } from "../../../src/runner/run-cases.js";
import { createTempProject, exampleDefinition, REPO_ROOT, type TempProject } from "../../helpers/temp-project.js";

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "coverage", "half-branches");
const FIXTURE_SOURCE = join(FIXTURE, "transform.ts");

async function measure(options: Omit<RunCasesOptions, "instrument" | "onInstrumentation">): Promise<{ results: CaseResult[]; coverage: CollectedCoverage; batches: number }> {
  const collector = createCoverageCollector();
  const results: CaseResult[] = [];
  for await (const result of runCases({ ...options, instrument: { coverage: true }, onInstrumentation: collector.add })) results.push(result);
  return { results, coverage: await collector.toCoverage(), batches: collector.batches };
}

describe("coverage of the fixture with six branch points, half their sides taken", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("counts 12 branches, 6 covered (50%), and names lines 13, 20 and 29 as uncovered, with one worker", async () => {
    const { results, coverage, batches } = await measure({ actions: [FIXTURE], workers: 1, buildDir: join(project.root, "build") });
    expect(results.map((r) => r.status)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(batches).toBe(1);
    const [file, ...others] = summariseCoverage(coverage.map);
    expect(others).toEqual([]);
    expect(file?.file).toBe(FIXTURE_SOURCE);
    expect(file?.branches).toEqual({ total: 12, covered: 6, pct: 50 });
    expect(file?.functions).toEqual({ total: 1, covered: 1, pct: 100 });
    expect(file?.uncoveredLines).toEqual([13, 20, 29]);
    expect(file?.uncoveredBranches.map((b) => `${b.line}:${b.type}:${b.side}`)).toEqual(["12:if:0", "19:if:1", "28:switch:1", "32:cond-expr:1", "34:binary-expr:1", "36:binary-expr:1"]);
  });

  it("gives the same answer with two workers, merging their batches", async () => {
    const buildDir = join(project.root, "build");
    const one = await measure({ actions: [FIXTURE], workers: 1, buildDir });
    // A pool of two given to the run: a run's own pool keeps a run this small on one worker.
    const pool = await createWorkerPool({ workers: 2, inspector: true, readPaths: [FIXTURE, buildDir] });
    let two: Awaited<ReturnType<typeof measure>>;
    try {
      two = await measure({ actions: [FIXTURE], pool, buildDir });
    } finally {
      await pool.close();
    }
    expect(two.batches).toBe(2);
    expect(summariseCoverage(two.coverage.map)).toEqual(summariseCoverage(one.coverage.map));
    // Hit counts add up across the workers: every case ran the function once.
    const fnHits = (c: CollectedCoverage) => Object.values(c.map.fileCoverageFor(FIXTURE_SOURCE).f);
    expect(fnHits(two.coverage)).toEqual([4]);
    expect(fnHits(one.coverage)).toEqual([4]);
  });

  it("measures a transform that a shared pool imported before coverage began", async () => {
    const pool = await createWorkerPool({ workers: 1, inspector: true });
    try {
      const buildDir = join(project.root, "build");
      for await (const result of runCases({ actions: [FIXTURE], pool, buildDir })) void result;
      const measured = await measure({ actions: [FIXTURE], pool, buildDir });
      expect(summariseCoverage(measured.coverage.map)[0]?.branches).toEqual({ total: 12, covered: 6, pct: 50 });
    } finally {
      await pool.close();
    }
  });

  it("keeps the counts of an unmeasured run on the same pool out of the next measured one", async () => {
    const pool = await createWorkerPool({ workers: 1, inspector: true });
    try {
      const buildDir = join(project.root, "build");
      const first = await measure({ actions: [FIXTURE], pool, buildDir });
      for await (const result of runCases({ actions: [FIXTURE], pool, buildDir })) void result;
      const second = await measure({ actions: [FIXTURE], pool, buildDir });
      for (const run of [first, second]) expect(Object.values(run.coverage.map.fileCoverageFor(FIXTURE_SOURCE).f)).toEqual([4]);
    } finally {
      await pool.close();
    }
  });
});

describe("what counts as the transform's code", () => {
  let project: TempProject;
  let coverage: CollectedCoverage;

  beforeAll(async () => {
    project = await createTempProject();
    const dir = await project.addAction("with-deps", {
      definition: { id: "with-deps", schema: { input: { type: "object" }, output: { type: "object" } } },
      transform: [
        'import helper from "./helper.cjs";',
        'import { double } from "tiny-dep";',
        "export default function transform(t: { data: { customFields?: { n?: number } } }) {",
        "  return { value: double(helper.pick(t.data.customFields?.n)) };",
        "}",
        "",
      ].join("\n"),
      cases: { "a.json": [{ name: "one", set: { "data.customFields.n": 2 }, expect: { output: { value: 4 } } }] },
    });
    await writeFile(join(dir, "helper.cjs"), "module.exports = { pick(n) { return n ?? 1; } };\n");
    await mkdir(join(dir, "node_modules", "tiny-dep"), { recursive: true });
    await writeFile(join(dir, "node_modules", "tiny-dep", "package.json"), JSON.stringify({ name: "tiny-dep", version: "1.0.0", main: "index.js" }));
    await writeFile(join(dir, "node_modules", "tiny-dep", "index.js"), "exports.double = function double(n) { return n > 0 ? n * 2 : 0; };\n");
    const run = await measure({ actions: [dir], workers: 1, buildDir: join(project.root, "build") });
    expect(run.results.map((r) => [r.status, r.error?.message])).toEqual([["pass", undefined]]);
    coverage = run.coverage;
  });
  afterAll(async () => {
    await project.remove();
  });

  it("keeps the user's files and leaves out node_modules, the harness and esbuild's helpers", () => {
    const files = coverage.map.files().map((file) => file.slice(project.root.length + 1)).sort();
    expect(files).toEqual(["with-deps/helper.cjs", "with-deps/transform.ts"]);
  });

  it("does not count esbuild's CommonJS wrapper as a function of the file it wraps", () => {
    const helper = coverage.map.fileCoverageFor(join(project.root, "with-deps", "helper.cjs"));
    expect(Object.values(helper.fnMap).map((fn) => fn.name)).toEqual(["pick"]);
    expect(helper.toSummary().branches).toMatchObject({ total: 2, covered: 1 });
  });
});

describe("coverage reports and thresholds", () => {
  let project: TempProject;
  let written: Awaited<ReturnType<typeof writeCoverageReports>>;

  beforeAll(async () => {
    project = await createTempProject();
    const { coverage } = await measure({ actions: [FIXTURE], workers: 2, buildDir: join(project.root, "build") });
    written = await writeCoverageReports(coverage, { dir: join(project.root, "coverage") });
  });
  afterAll(async () => {
    await project.remove();
  });

  it("writes lcov, json-summary, html and a text table with the uncovered lines", async () => {
    const lcov = await readFile(join(project.root, "coverage", "lcov.info"), "utf8");
    expect(lcov).toContain(`SF:${relative(process.cwd(), FIXTURE_SOURCE)}`);
    expect(lcov).toMatch(/^BRF:12$/m);
    expect(lcov).toMatch(/^BRH:6$/m);
    const summary = JSON.parse(await readFile(join(project.root, "coverage", "coverage-summary.json"), "utf8")) as Record<string, { branches: { pct: number } }>;
    expect(summary.total?.branches.pct).toBe(50);
    expect(summary[FIXTURE_SOURCE]?.branches.pct).toBe(50);
    const page = written.files[0]?.html;
    expect(page).toBe("transform.ts.html");
    expect(await readFile(join(project.root, "coverage", page!), "utf8")).toContain("export default function transform");
    expect(await readFile(join(project.root, "coverage", "index.html"), "utf8")).toContain("transform.ts");
    expect(written.text).toMatch(/transform\.ts\s*\|\s*78\.57\s*\|\s*50\s*\|\s*100\s*\|\s*78\.57\s*\|\s*13,20,29/);
  });

  it("names the file that falls short of a threshold, and passes one it meets", () => {
    const failing = checkCoverageThresholds(written.files, resolveCoverageThresholds({ branches: 90, functions: 100 }));
    expect(failing).toEqual([
      expect.objectContaining({ metric: "branches", actual: 50, required: 90, name: expect.stringMatching(/half-branches\/transform\.ts$/) }),
    ]);
    expect(failing[0]?.message).toMatch(/half-branches\/transform\.ts: branches 50% is below the 90% threshold \(6 of 12 covered\)/);
    expect(checkCoverageThresholds(written.files, resolveCoverageThresholds({ branches: 50 }))).toEqual([]);
  });

  it("rejects a threshold that is not a percentage", () => {
    expect(() => resolveCoverageThresholds({ lines: 120 })).toThrow(/lines must be a percentage from 0 to 100, got 120/);
  });
});

describe("coverage when a worker is stopped mid-batch", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("finishes the run and still measures the cases that ran on the replacement worker", async () => {
    const definition = await exampleDefinition();
    const dir = await project.addAction("loops", {
      definition: { ...definition, id: "loops", schema: { input: { type: "object" }, output: { type: "object" } } },
      transform: "export default function t(x: { data: { customFields?: { loop?: boolean } } }) {\n  if (x.data.customFields?.loop === true) {\n    for (;;) {}\n  }\n  return { ok: true };\n}\n",
      cases: { "a.json": [{ name: "first" }, { name: "loops", set: { "data.customFields.loop": true } }, { name: "after" }] },
    });
    const { results, coverage } = await measure({ actions: [dir], workers: 1, timeoutMs: 1500, buildDir: join(project.root, "build") });
    expect(results.map((r) => [r.case, r.status, r.error?.code])).toEqual([
      ["first", "pass", undefined],
      ["loops", "error", "E_TIMEOUT"],
      ["after", "pass", undefined],
    ]);
    // The stopped worker's measurements are lost with it. Results leave a worker in chunks, so "first" (finished but
    // not yet sent) ran again with "after" on the new worker: both count there, the hung case does not.
    const file = coverage.map.fileCoverageFor(resolve(dir, "transform.ts"));
    expect(Object.values(file.f)).toEqual([2]);
  });
});
