// cxda test --watch as a user runs it: a real process, real file edits, reruns seen on stdout.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI } from "../helpers/run-cli.js";
import { createTempProject, EXAMPLE_DIR, exampleDefinition, type TempProject } from "../helpers/temp-project.js";

/** Waits until the child's stdout has matched `pattern` `times` times (or fails after 20 s of nothing). */
function waitFor(output: { text: string }, pattern: RegExp, times: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = (): void => {
      const count = output.text.match(new RegExp(pattern.source, "gm"))?.length ?? 0;
      if (count >= times) resolve();
      else if (Date.now() - started > 20_000) reject(new Error(`timed out waiting for ${pattern} x${times}; output:\n${output.text}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

describe("cxda test --watch", () => {
  let project: TempProject | undefined;
  let child: ChildProcess | undefined;
  afterEach(async () => {
    child?.kill("SIGINT");
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
    const output = { text: "" };
    child = spawn(process.execPath, [CLI, "test", dir, "--watch"], { cwd: project.root, env: { ...process.env, NO_COLOR: "1" } });
    child.stdout?.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output.text += chunk.toString()));

    await waitFor(output, /^1 passed, 0 failed$/, 1);
    await waitFor(output, /^watching 1 action for changes/, 1);

    await writeFile(join(dir, "transform.ts"), transform.replace('"high"', '"urgent"'));
    await waitFor(output, /^0 passed, 1 failed$/, 1);
    expect(output.text).toMatch(/changed: .*transform\.ts/);

    await writeFile(join(dir, "transform.ts"), "export default function t( {");
    await waitFor(output, /^0 passed, 1 failed$/, 2);
    expect(output.text).toMatch(/does not compile/);

    await writeFile(join(dir, "transform.ts"), transform);
    await waitFor(output, /^1 passed, 0 failed$/, 2);
    expect(child.exitCode).toBeNull();
  }, 60_000);
});
