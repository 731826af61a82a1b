// runCases end to end on real folders: the example, stack mapping, inline scripts, and broken definitions kept per case.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseResult } from "../../../src/core/types.js";
import { runCases, summarise } from "../../../src/runner/run-cases.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";

async function collect(options: Parameters<typeof runCases>[0]): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for await (const result of runCases(options)) results.push(result);
  return results;
}

describe("runCases on the bundled example", () => {
  it("passes every case, including the ones that show each trap being caught", async () => {
    const results = await collect({ actions: [EXAMPLE_DIR] });
    expect(summarise(results)).toMatchObject({ total: 14, passed: 14, failed: 0, errors: 0 });
  });

  it("does not run the transform when the input is invalid", async () => {
    const results = await collect({ actions: [EXAMPLE_DIR] });
    const noInteraction = results.find((r) => r.case.includes("without interaction"));
    const execute = noInteraction?.trace.steps.find((s) => s.step === "execute");
    expect(execute).toMatchObject({ ok: null, detail: { skipped: "the input is invalid" } });
    expect(noInteraction?.issues).toEqual([expect.objectContaining({ side: "input", path: "/interaction", keyword: "required" })]);
  });

  it("stops cleanly when the consumer breaks off with chunks still to feed (regression: --bail crashed on 'pool is closed')", async () => {
    // Past the backpressure bound, so the feeder is still preparing chunks when the consumer stops at case 5000.
    const many = Array.from({ length: 12_000 }, (_, i) => ({
      name: `case ${i}`,
      set: { "data.customFields.resolutionScore": i === 5000 ? "not a number" : 10 },
      expect: {},
    }));
    let seen = 0;
    const stray: unknown[] = [];
    const record = (reason: unknown): number => stray.push(reason);
    process.on("unhandledRejection", record);
    try {
      for await (const result of runCases({ actions: [EXAMPLE_DIR], cases: many, workers: 2 })) {
        seen++;
        if (result.status !== "pass") break;
      }
      // The break waits for the run's teardown (its pool closed); Node reports a rejection left unhandled at the end of
      // the tick that made it, so one turn of the event loop lets the last of them through. No wall clock needed.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("unhandledRejection", record);
    }
    expect(seen).toBe(5001);
    expect(stray).toEqual([]);
  });

  it("refuses a worker count that cannot work before starting anything", async () => {
    await expect(collect({ actions: [EXAMPLE_DIR], workers: 0 })).rejects.toThrow(/workers must be an integer >= 1, got 0/);
    await expect(collect({ actions: [EXAMPLE_DIR], workers: 1.5 })).rejects.toThrow(/workers must be an integer >= 1, got 1.5/);
  });

  it("finishes when more results than the feeder's bound are known up front, after an action that still runs", async () => {
    // Regression: 9,000 error results of a broken definition, after an action with cases to run, made the feeder and
    // the consumer wait on each other for ever.
    const project = await createTempProject();
    try {
      await project.addAction("a-runs", {
        definition: await exampleDefinition(),
        transform: "export default () => ({})",
        cases: { "one.json": [{ name: "one", expect: { valid: false } }] },
      });
      await project.addAction("b-broken", {
        definition: "{ broken",
        cases: { "many.json": Array.from({ length: 9000 }, (_, i) => ({ name: `case ${i}` })) },
      });
      const results = await collect({ actions: [project.root], workers: 1 });
      expect(results).toHaveLength(9001);
      expect(results.slice(1).every((r) => r.error?.code === "E_DEFINITION")).toBe(true);
    } finally {
      await project.remove();
    }
  });

  it("ends with an error, not a wait for ever, when someone closes the shared pool during the run", async () => {
    const { createWorkerPool } = await import("../../../src/executor/worker-pool.js");
    const pool = await createWorkerPool({ workers: 1, readPaths: [EXAMPLE_DIR, ".cxda/build"] });
    const many = Array.from({ length: 3000 }, (_, i) => ({ name: `case ${i}`, expect: {} }));
    let seen = 0;
    const run = (async () => {
      for await (const _result of runCases({ actions: [EXAMPLE_DIR], cases: many, pool })) if (++seen === 10) void pool.close();
    })();
    await expect(run).rejects.toThrow(/the worker pool was closed with \d+ case\(s\) of a run still to finish/);
    expect(seen).toBeLessThan(3000);
  });

  it("keeps working on one shared pool across more actions than a worker keeps compiled", async () => {
    const { createWorkerPool } = await import("../../../src/executor/worker-pool.js");
    const pool = await createWorkerPool({ workers: 1, readPaths: [EXAMPLE_DIR, ".cxda/build"] });
    try {
      // Each run has its own ctx.env, so each is a new definition for the worker;
      // by the 20th the worker has forgotten the first, which must then be sent again.
      const outputs: unknown[] = [];
      for (const region of [...Array.from({ length: 20 }, (_, i) => `r${i}`), "r0"]) {
        const results = await collect({ actions: [EXAMPLE_DIR], pool, env: region, cases: [{ name: region, expect: {} }] });
        expect(results.map((r) => r.status)).toEqual(["pass"]);
        outputs.push(results[0]!.output);
      }
      expect(outputs).toHaveLength(21);
    } finally {
      await pool.close();
    }
  });

  it("streams results in file order whatever the worker count", async () => {
    const one = (await collect({ actions: [EXAMPLE_DIR], workers: 1 })).map((r) => [r.case, r.status, r.output]);
    const two = (await collect({ actions: [EXAMPLE_DIR], workers: 2 })).map((r) => [r.case, r.status, r.output]);
    expect(two).toEqual(one);
  });
});

describe("runCases on actions with problems", () => {
  let project: TempProject;
  let results: CaseResult[];

  beforeAll(async () => {
    project = await createTempProject();
    const definition = await exampleDefinition();
    const cases = { "a.json": [{ name: "one" }, { name: "two" }] };
    await project.addAction("a-stack", {
      definition,
      transform:
        'interface T { contact: { id: string } }\n\nfunction pick(t: T): string {\n  throw new Error("no tier for " + t.contact.id);\n}\n\nexport default function transform(t: T) {\n  return { id: pick(t) };\n}\n',
      cases: { "a.json": { name: "throws" } },
    });
    await project.addAction("b-inline", {
      definition: {
        ...definition,
        transform: {
          language: "javascript",
          source:
            "export default (t, ctx) => ({ recordId: 'rec-' + t.interaction.id, customerId: 'C', issueCategory: 'general', priority: 'standard', resolutionScore: 1, processedAt: ctx.now().toISOString() });",
        },
      },
      cases: { "a.json": { name: "inline script", now: "2026-05-05T05:05:05.000Z", expect: { match: { processedAt: "2026-05-05T05:05:05.000Z" } } } },
    });
    await project.addAction("c-bad-schema", {
      definition: { id: "c", schema: { input: { type: "object" }, output: { type: "strnig" } } },
      transform: "export default () => ({})",
      cases,
    });
    await project.addAction("d-unknown-format", {
      definition: { id: "d", schema: { input: { type: "object" }, output: { type: "string", format: "phone-number" } } },
      transform: "export default () => 'x'",
      cases,
    });
    await project.addAction("e-no-transform", { definition, cases });
    await project.addAction("f-expected-throw", {
      definition,
      transform: "export default function t() { throw new Error('contact has no tier'); }",
      cases: { "a.json": { name: "expected", expect: { throws: "no tier" } } },
    });
    await project.addAction("g-does-not-compile", {
      definition,
      transform: "export default function t(trigger) {\n  return trigger..x;\n}\n",
      // An input-side expectation could be judged without the transform; it is not run all the same.
      cases: {
        "a.json": [
          { name: "input only", unset: ["interaction"], expect: { errors: [{ side: "input", path: "/interaction", keyword: "required" }] } },
          { name: "two" },
        ],
      },
    });
    results = await collect({ actions: [project.root], buildDir: `${project.root}/.build` });
  });
  afterAll(async () => {
    await project.remove();
  });

  const byAction = (dir: string): CaseResult[] => results.filter((r) => r.source?.includes(`/${dir}/`));

  it("maps a thrown error's stack to the .ts source lines", () => {
    const [result] = byAction("a-stack");
    expect(result?.error?.code).toBe("E_TRANSFORM");
    expect(result?.error?.message).toMatch(/^the transform threw Error: no tier for c-\d+$/);
    expect(result?.error?.stack).toMatch(/at pick \(.*a-stack\/transform\.ts:4:9\)/);
    expect(result?.error?.stack).toMatch(/a-stack\/transform\.ts:8:/);
    expect(result?.error?.stack).not.toMatch(/worker-entry/);
  });

  it("runs the definition's own script when there is no transform file", () => {
    expect(byAction("b-inline").map((r) => r.status)).toEqual(["pass"]);
  });

  it("reports a schema that does not compile on each case, with the side and the reason", () => {
    const got = byAction("c-bad-schema");
    expect(got).toHaveLength(2);
    for (const r of got) {
      expect(r.status).toBe("error");
      expect(r.error?.code).toBe("E_SCHEMA");
      expect(r.error?.message).toMatch(/output/);
      expect(r.error?.message).toMatch(/strnig/);
    }
  });

  it("treats an unknown format as an error, not a silent pass", () => {
    const got = byAction("d-unknown-format");
    expect(got.map((r) => r.error?.code)).toEqual(["E_SCHEMA", "E_SCHEMA"]);
    expect(got[0]?.error?.message).toMatch(/phone-number/);
  });

  it("says how to add a transform when there is none", () => {
    const got = byAction("e-no-transform");
    expect(got.map((r) => r.error?.code)).toEqual(["E_TRANSFORM", "E_TRANSFORM"]);
    expect(got[0]?.error?.message).toMatch(/no transform found; add transform\.ts/);
  });

  it("reports a transform that does not compile as the action's E_COMPILE with file:line:column, and runs none of its cases", () => {
    const got = byAction("g-does-not-compile");
    expect(got.map((r) => [r.case, r.status, r.notRun, r.error?.code])).toEqual([
      ["input only", "error", true, "E_COMPILE"],
      ["two", "error", true, "E_COMPILE"],
    ]);
    expect(got[0]?.error?.message).toMatch(/transform\.ts:2:\d+: Expected identifier/);
    expect(got[0]?.trace.steps.map((s) => s.step)).not.toContain("validate-input");
    expect(summarise(got)).toMatchObject({ total: 2, failed: 2, errors: 2, notRun: 2 });
  });

  it("keeps each not-run case's file:line:column (a transform that did not compile left its cases with only file#index)", () => {
    const got = byAction("g-does-not-compile");
    expect(got.map((r) => r.location && [r.location.file.endsWith("/g-does-not-compile/cases/a.json"), r.location.line, r.location.column])).toEqual([
      [true, 2, 3],
      [true, 17, 3],
    ]);
    expect(byAction("c-bad-schema").every((r) => r.location !== undefined)).toBe(true);
  });

  it("marks the cases of a broken definition as not run", () => {
    expect(byAction("c-bad-schema").map((r) => r.notRun)).toEqual([true, true]);
  });

  it("passes a case that expects the throw it gets", () => {
    expect(byAction("f-expected-throw").map((r) => [r.status, r.error])).toEqual([["pass", undefined]]);
  });

  it("still ran every action", () => {
    expect(results).toHaveLength(1 + 1 + 2 + 2 + 2 + 1 + 2);
  });
});

/** Runs `test` on a temp project holding one action "a" (the example's definition, a transform returning `{}`, one case). */
async function withOneCaseAction(test: (project: TempProject, dir: string) => Promise<void>): Promise<void> {
  const project = await createTempProject();
  try {
    const dir = await project.addAction("a", {
      definition: await exampleDefinition(),
      transform: "export default () => ({})",
      cases: { "a.json": { name: "one" } },
    });
    await test(project, dir);
  } finally {
    await project.remove();
  }
}

describe("runCases with a build folder that cannot be made", () => {
  it("says a file is in the way (a file named .cxda), instead of a bare ENOTDIR (regression)", () =>
    withOneCaseAction(async (project, dir) => {
      await writeFile(join(project.root, ".cxda"), "not a folder");
      const [result] = await collect({ actions: [dir], buildDir: join(project.root, ".cxda", "build") });
      expect(result).toMatchObject({ status: "error", notRun: true, error: { code: "E_TRANSFORM" } });
      expect(result?.error?.message).toMatch(/cannot create the build folder .*: a file stands where a folder of that path must be/);
    }));
});

describe("runCases with a trigger.json that holds a key twice", () => {
  it("fails every case that relies on it, naming the key and its place (regression: JSON.parse dropped the first)", () =>
    withOneCaseAction(async (project, dir) => {
      await writeFile(join(dir, "trigger.json"), '{\n  "contact": { "id": "c-1" },\n  "contact": { "id": "c-2" }\n}\n');
      const [result] = await collect({ actions: [dir], buildDir: join(project.root, ".build") });
      expect(result?.status).toBe("error");
      expect(result?.error?.message).toMatch(/trigger\.json:3:3: contact: the key "contact" appears twice in one object/);
    }));
});
