// The worker pool on real threads: ordering, recovery after a hung case mid-batch, and identical results for 1 and 2 workers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedCase } from "../../../src/core/types.js";
import { bundleTransform } from "../../../src/executor/bundle-transform.js";
import type { ResultDetail, WorkerAction, WorkerCaseResult } from "../../../src/executor/protocol.js";
import { createWorkerPool } from "../../../src/executor/worker-pool.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

const transform = `
export default async function transform(trigger, ctx) {
  if (trigger.mode === "hang") for (;;) {}
  if (trigger.mode === "wait") await new Promise((resolve) => setTimeout(resolve, 5));
  console.log("case", trigger.n);
  return { n: trigger.n, doubled: trigger.n * 2, at: ctx.now().toISOString(), region: ctx.vars.region ?? null };
}`;

describe("the worker pool", () => {
  let project: TempProject;
  let action: WorkerAction;

  beforeAll(async () => {
    project = await createTempProject();
    const dir = await project.addAction("pool", { transform });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    action = {
      actionId: "pool",
      env: "sandbox",
      bundle: { file: bundle.file },
      inputSchema: { type: "object" },
      outputSchema: { type: "object", required: ["n"] },
      inputDraft: "draft-07",
      outputDraft: "draft-07",
    };
  });
  afterAll(async () => {
    await project.remove();
  });

  const cases = (modes: Array<string | undefined>): PreparedCase[] =>
    modes.map((mode, n) => ({
      name: `case ${n}`,
      trigger: { n, ...(mode ? { mode } : {}) },
      vars: n % 2 ? { region: "eu" } : {},
      now: Date.UTC(2026, 0, 1, 0, 0, n),
      expect: {},
    }));

  async function runAll(workers: number, prepared: PreparedCase[], timeoutMs = 2000, detail: ResultDetail = "full"): Promise<WorkerCaseResult[]> {
    const pool = await createWorkerPool({ workers, timeoutMs, readPaths: [`${project.root}/.build`] });
    const results: WorkerCaseResult[] = [];
    try {
      await pool.run(
        action,
        prepared,
        (index, result) => {
          if (results[index] !== undefined) throw new Error(`case ${index} got two results`);
          results[index] = result;
        },
        { detail },
      );
    } finally {
      await pool.close();
    }
    return results;
  }

  it("gives the same results, in the same positions, with 1 and with 2 workers", async () => {
    const prepared = cases(Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? "wait" : undefined)));
    const strip = (r: WorkerCaseResult) => ({ status: r.status, output: r.output, issues: r.issues, logs: r.logs.map((l) => l.message) });
    const one = (await runAll(1, prepared)).map(strip);
    const two = (await runAll(2, prepared)).map(strip);
    expect(one).toHaveLength(40);
    expect(two).toEqual(one);
    expect(one[3]).toEqual({
      status: "pass",
      output: { n: 3, doubled: 6, at: "2026-01-01T00:00:03.000Z", region: "eu" },
      issues: [],
      logs: ["case 3"],
    });
  });

  it("reports a hung case mid-batch as E_TIMEOUT and runs the rest of its batch on a fresh worker", async () => {
    const results = await runAll(1, cases([undefined, undefined, "hang", undefined, undefined]), 300);
    expect(results.map((r) => r.status)).toEqual(["pass", "pass", "error", "pass", "pass"]);
    expect(results[2]?.error?.code).toBe("E_TIMEOUT");
    expect(results[4]?.output).toMatchObject({ n: 4 });
  });

  it("blames the right case when it hangs in a later batch while the next batch waits on the same worker", async () => {
    // 600 cases on one worker make three batches of at most 256; the worker holds two at a time.
    const modes = Array.from({ length: 600 }, (_, i) => (i === 400 ? "hang" : undefined));
    const results = await runAll(1, cases(modes), 300);
    expect(results).toHaveLength(600);
    expect(results.filter((r) => r === undefined)).toHaveLength(0);
    expect(results.map((r, i) => (r.status === "pass" ? null : [i, r.error?.code]))).toEqual(
      modes.map((m, i) => (m === "hang" ? [i, "E_TIMEOUT"] : null)),
    );
    expect(results[599]?.output).toMatchObject({ n: 599 });
  });

  it("brings back only status and timings for a plain pass in summary detail, and everything else whole", async () => {
    const prepared = cases([undefined, undefined, undefined]);
    prepared[1]!.expect = { match: { n: 99 } };
    const results = await runAll(1, prepared, 2000, "summary");
    expect(results.map((r) => r.status)).toEqual(["pass", "fail", "pass"]);
    expect(results[0]).toMatchObject({ issues: [], failures: [], logs: [] });
    expect(results[0]?.output).toBeUndefined();
    expect(results[0]?.steps.map((s) => [s.step, s.ok, s.detail])).toEqual([
      ["validate-input", true, { issues: 0 }],
      ["execute", true, undefined],
      ["validate-output", true, { issues: 0 }],
      ["compare", true, { failures: 0 }],
    ]);
    expect(results[0]?.durationMs).toBeGreaterThanOrEqual(0);
    // The failing case comes whole: its output and logs explain the failure.
    expect(results[1]?.output).toMatchObject({ n: 1 });
    expect(results[1]?.logs.map((l) => l.message)).toEqual(["case 1"]);
    expect(results[1]?.failures[0]?.expectation).toBe("match");
  });

  it("answers a trigger that JSON cannot carry with E_CASE and runs the others", async () => {
    const prepared = cases([undefined, undefined, undefined]);
    prepared[1]!.trigger = { n: 1, big: 10n } as unknown as Record<string, unknown>;
    const results = await runAll(1, prepared);
    expect(results.map((r) => r.status)).toEqual(["pass", "error", "pass"]);
    expect(results[1]?.error?.code).toBe("E_CASE");
    expect(results[1]?.error?.message).toMatch(/case 1: the trigger cannot be sent as JSON/);
    expect(results[2]?.output).toMatchObject({ n: 2 });
  });

  it("refuses vars that JSON would change (a Date) with E_CASE naming the place, and runs the others", async () => {
    const prepared = cases([undefined, undefined]);
    prepared[0]!.vars = { since: new Date(0) };
    const results = await runAll(1, prepared);
    expect(results.map((r) => r.status)).toEqual(["error", "pass"]);
    expect(results[0]?.error?.message).toMatch(/^case 0: vars \/since is a Date; vars reach the transform as JSON data/);
  });

  it("spreads slow cases over every worker instead of queueing them on the first", async () => {
    // Each case takes 400 ms, far longer than a worker takes to start: a worker that took two would finish last.
    const dir = await project.addAction("which-worker", {
      transform:
        "globalThis.workerMark ??= Math.random();\nexport default async () => { await new Promise((r) => setTimeout(r, 400)); return { n: 0, worker: globalThis.workerMark }; };",
    });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    const pool = await createWorkerPool({ workers: 3, readPaths: [`${project.root}/.build`] });
    const results: WorkerCaseResult[] = [];
    try {
      await pool.run(
        { ...action, bundle: { file: bundle.file } },
        cases([undefined, undefined, undefined]),
        (index, result) => (results[index] = result),
      );
    } finally {
      await pool.close();
    }
    expect(new Set(results.map((r) => (r.output as { worker: number }).worker)).size).toBe(3);
  });

  it("fails the whole batch at once when the transform module never finishes loading", async () => {
    const dir = await project.addAction("stuck", { transform: "for (;;) {}\nexport default () => ({});" });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    const pool = await createWorkerPool({ workers: 1, timeoutMs: 200, loadTimeoutMs: 300, readPaths: [`${project.root}/.build`] });
    const results: WorkerCaseResult[] = [];
    try {
      await pool.run(
        { ...action, bundle: { file: bundle.file } },
        cases([undefined, undefined, undefined]),
        (index, result) => (results[index] = result),
      );
    } finally {
      await pool.close();
    }
    expect(results.map((r) => r.error?.code)).toEqual(["E_TIMEOUT", "E_TIMEOUT", "E_TIMEOUT"]);
    expect(results[0]?.error?.message).toMatch(/did not finish loading within 300 ms/);
  });

  it("ends a worker stuck in a native call with its process, reports its case and carries on", async () => {
    const { execFileSync } = await import("node:child_process");
    const fifo = `${project.root}/fifo/never-written`;
    await import("node:fs/promises").then(({ mkdir }) => mkdir(`${project.root}/fifo`));
    execFileSync("mkfifo", [fifo]);
    const dir = await project.addAction("blocked", {
      transform: `import { readFileSync } from "node:fs";\nexport default (t) => { if (t.mode === "hang") readFileSync(${JSON.stringify(fifo)}); return { n: t.n }; };`,
    });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    const pool = await createWorkerPool({ workers: 1, timeoutMs: 200, readPaths: [`${project.root}/.build`, `${project.root}/fifo`] });
    const results: WorkerCaseResult[] = [];
    try {
      await pool.run(
        { ...action, bundle: { file: bundle.file } },
        cases([undefined, "hang", undefined]),
        (index, result) => (results[index] = result),
      );
    } finally {
      await pool.close();
    }
    expect(results.map((r) => r.status)).toEqual(["pass", "error", "pass"]);
    expect(results[1]?.error?.code).toBe("E_TIMEOUT");
    // Its duration is the time it really ran, not 0.
    expect(results[1]?.durationMs).toBeGreaterThanOrEqual(200);
  });

  /**
   * Runs three cases of a transform that waits `waitMs` each and sends `signal` to the pool's sandbox processes once
   * the first result is in: the process is up and the second case has just begun its wait.
   */
  async function signalMidRun(name: string, waitMs: number, poolOptions: Parameters<typeof createWorkerPool>[0], signal: NodeJS.Signals) {
    const { execFileSync } = await import("node:child_process");
    const dir = await project.addAction(name, {
      transform: `export default async (t) => { await new Promise((r) => setTimeout(r, ${waitMs})); return { n: t.n }; };`,
    });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    const pool = await createWorkerPool({ ...poolOptions, workers: 1, readPaths: [`${project.root}/.build`] });
    const results: WorkerCaseResult[] = [];
    let resultArrived!: () => void;
    const firstResult = new Promise<void>((resolve) => (resultArrived = resolve));
    let signalled = 0;
    try {
      const run = pool.run({ ...action, bundle: { file: bundle.file } }, cases([undefined, undefined, undefined]), (index, result) => {
        results[index] = result;
        resultArrived();
      });
      await firstResult;
      const listing = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(process.pid)], { encoding: "utf8" });
      for (const line of listing.split("\n").filter((each) => each.includes("sandbox-process"))) {
        process.kill(Number.parseInt(line.trim(), 10), signal);
        signalled++;
      }
      await run;
    } finally {
      await pool.close();
    }
    return { results, signalled };
  }

  it("stops a sandbox process that says nothing for longer than any case may take, blames one case and carries on", async () => {
    // Frozen mid-case: its own watchdog stops with it, as if a transform had broken its main thread. The load limit
    // equals the case limit, so the pool's silence limit is the same, and a replacement that loads the module slowly on
    // a busy machine is not failed for it (100 ms failed the cases after the frozen one on a loaded machine).
    const { results, signalled } = await signalMidRun("slow", 400, { timeoutMs: 1000, loadTimeoutMs: 1000 }, "SIGSTOP");
    expect(signalled).toBe(1);
    expect(results.filter((r) => r.status === "error").map((r) => r.error?.message)).toEqual([expect.stringMatching(/stopped answering for \d+ ms/)]);
    expect(results.filter((r) => r.status === "pass")).toHaveLength(2);
  }, 30_000);

  it("runs a batch again, blaming nobody, when its sandbox process dies without a word", async () => {
    // Killed from outside (the kernel's out-of-memory killer, say) while the second case runs.
    const { results } = await signalMidRun("slow-again", 300, {}, "SIGKILL");
    expect(results.map((r) => r.status)).toEqual(["pass", "pass", "pass"]);
  }, 30_000);

  it("takes a batch's end that comes after its last results were sent (regression: it was refused and the batch's measurements lost)", async () => {
    // Cases slower than the worker's 25 ms chunk time: each result leaves on its own, and the end comes alone.
    const dir = await project.addAction("chunked", {
      transform: `export default async (t) => { await new Promise((r) => setTimeout(r, 40)); return { n: t.n }; };`,
    });
    const bundle = await bundleTransform(
      { kind: "file", file: `${dir}/transform.ts` },
      { buildDir: `${project.root}/.build`, allow: { network: false, fsWrite: false } },
    );
    const pool = await createWorkerPool({ workers: 1, inspector: true, readPaths: [`${project.root}/.build`] });
    const measured: unknown[] = [];
    const results: WorkerCaseResult[] = [];
    try {
      await pool.run(
        { ...action, bundle: { file: bundle.file } },
        cases([undefined, undefined, undefined]),
        (index, result) => (results[index] = result),
        {
          measure: { instrument: { profile: { samplingIntervalUs: 1000 } }, onInstrumentation: (data) => measured.push(data) },
        },
      );
    } finally {
      await pool.close();
    }
    expect(results.map((r) => r.status)).toEqual(["pass", "pass", "pass"]);
    expect(measured).toHaveLength(1);
    expect(measured[0]).toHaveProperty("profile");
  });

  it("times each step of a case", async () => {
    const [result] = await runAll(1, cases([undefined]));
    expect(result?.steps.map((s) => [s.step, s.ok])).toEqual([
      ["validate-input", true],
      ["execute", true],
      ["validate-output", true],
      ["compare", true],
    ]);
    for (const step of result?.steps ?? []) expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("closes cleanly right after a run settles", async () => {
    const pool = await createWorkerPool({ workers: 2, readPaths: [`${project.root}/.build`] });
    await pool.run(action, cases([undefined]), () => undefined);
    await expect(pool.close()).resolves.toBeUndefined();
    await expect(pool.run(action, cases([undefined]), () => undefined)).rejects.toThrow(/closed/);
  });
});
