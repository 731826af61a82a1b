// cxda test --watch as a user runs it: a real process, real file edits, reruns seen on stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { childOutput, stopChild } from "../helpers/child-output.js";
import { CLI } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../helpers/temp-project.js";

describe("cxda test --watch", () => {
  let project: TempProject | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    // Gone before its folder is removed, so it cannot print about the removal or hold a watch on it.
    if (child !== undefined) await stopChild(child);
    await project?.remove();
  });

  it("reruns the action after its transform changes, and keeps going after a failing and a crashing run", async () => {
    project = await createTempProject();
    const transform = await readFile(join(EXAMPLE_DIR, "transform.ts"), "utf8");
    const dir = await project.addAction("billing", {
      definition: await exampleDefinition(),
      transform,
      trigger: JSON.parse(await readFile(join(EXAMPLE_DIR, "trigger.json"), "utf8")) as Record<string, unknown>,
      cases: { "a.json": { name: "maps", expect: { match: { priority: "high" } } } },
    });
    child = spawn(process.execPath, [CLI, "test", dir, "--watch"], { cwd: project.root, env: { ...process.env, NO_COLOR: "1" } });
    // Each wait ends on the chunk of output that completes it.
    const output = childOutput(child);

    await output.seen(/^1 passed, 0 failed$/, 1);
    await output.seen(/^watching 1 action for changes/, 1);

    await writeFile(join(dir, "transform.ts"), transform.replace('"high"', '"urgent"'));
    await output.seen(/^0 passed, 1 failed$/, 1);
    expect(output.text).toMatch(/changed: .*transform\.ts/);

    await writeFile(join(dir, "transform.ts"), "export default function t( {");
    await output.seen(/^0 passed, 1 failed$/, 2);
    expect(output.text).toMatch(/does not compile/);

    await writeFile(join(dir, "transform.ts"), transform);
    await output.seen(/^1 passed, 0 failed$/, 2);
    expect(child.exitCode).toBeNull();
  }, 60_000);
});
