// PoolReserve with real sandboxes: a run takes a booted spare, and each run still starts from a fresh sandbox.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { WorkerPoolOptions } from "../../../src/executor/worker-pool.js";
import { PoolReserve } from "../../../src/runner/pool-reserve.js";
import { runCases } from "../../../src/runner/run-cases.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../../helpers/temp-project.js";

describe("PoolReserve", () => {
  let project: TempProject | undefined;
  let reserve: PoolReserve | undefined;
  afterEach(async () => {
    await reserve?.close();
    await project?.remove();
  });

  it("gives each run a sandbox no earlier run used: a transform's module state does not carry over", async () => {
    project = await createTempProject();
    // Counts the calls of this module instance into the output: 1 in a fresh sandbox, 2 in one that ran it before.
    const dir = await project.addAction("counting", {
      definition: await exampleDefinition(),
      transform: `let calls = 0;
export default function transform(trigger: { timestamp: string }) {
  calls++;
  return { recordId: "rec-1", customerId: "c", issueCategory: "billing", priority: "high", resolutionScore: calls, processedAt: trigger.timestamp };
}
`,
      trigger: JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>,
      cases: { "a.json": { name: "first call", expect: { match: { resolutionScore: 1 } } } },
    });
    reserve = new PoolReserve();
    const buildDir = join(project.root, ".cxda", "build");
    const statuses: string[] = [];
    for (let run = 0; run < 3; run++)
      for await (const result of runCases({ actions: [dir], buildDir, reserve, workers: 1 })) statuses.push(result.status);
    expect(statuses).toEqual(["pass", "pass", "pass"]);
  });

  it("hands out the spare only to a run asking for the same pool, readable folders in any order", async () => {
    reserve = new PoolReserve();
    // Every pool calls the onIsolation it was started with, before it is handed out: the labels say which pools started.
    const started: string[] = [];
    const options = (label: string, more: WorkerPoolOptions = {}): WorkerPoolOptions => ({
      workers: 1,
      readPaths: ["a", "b"],
      onIsolation: () => started.push(label),
      ...more,
    });
    const first = await reserve.take(options("first"));
    await reserve.release(first, options("spare"));
    const second = await reserve.take(options("second", { readPaths: ["b", "a", "b"] }));
    expect(second).not.toBe(first);
    expect(started).toEqual(["first", "spare"]);
    await reserve.release(second, options("next spare"));
    // A different timeout is a different pool: a new one, not the spare.
    const other = await reserve.take(options("other", { timeoutMs: 500 }));
    expect(started).toContain("other");
    await other.close();
  });
});
