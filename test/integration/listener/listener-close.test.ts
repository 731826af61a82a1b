// Stopping the listener lets a request that is already running finish and get its answer.
import { watch } from "node:fs";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startListener } from "../../../src/listener/listener.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

/** Resolves once a `.json` file is in `dir`: the listener records a trigger there once it has the whole request. */
function whenRecorded(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dir);
    const check = (): void => {
      void readdir(dir).then((names) => {
        if (!names.some((name) => name.endsWith(".json"))) return;
        watcher.close();
        resolve();
      }, reject);
    };
    watcher.on("change", check);
    watcher.on("error", reject);
    check();
  });
}

describe("closing the listener", () => {
  let project: TempProject;
  beforeAll(async () => {
    project = await createTempProject();
  });
  afterAll(async () => {
    await project.remove();
  });

  it("answers a request still running when close() is called (regression: it was cut off with an empty reply)", async () => {
    const release = join(project.root, "slow", "release");
    // The transform runs until the test lets it end, so the request is certainly still running when close() is called.
    // It polls for the release file every 5 ms inside its sandbox process (another process, out of a fake clock's
    // reach); 5 ms is the whole cost of that poll, paid once.
    const dir = await project.addAction("slow", {
      definition: { id: "slow", schema: { input: { type: "object" }, output: { type: "object" } } },
      transform: `import { existsSync } from "node:fs";
export default async function t() {
  while (!existsSync(${JSON.stringify(release)})) await new Promise((resolve) => setTimeout(resolve, 5));
  return { done: true };
}`,
    });
    const listener = await startListener({ actions: [dir], workers: 1, recordDir: project.root, buildDir: join(project.root, ".build") });
    const recorded = whenRecorded(join(dir, "cases"));
    const answer = fetch(`${listener.url}/api/v2/data-actions/slow/execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    await recorded;
    let released = false;
    const closed = listener.close().then(() => released);
    released = true;
    await writeFile(release, "");
    const response = await answer;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { output: unknown }).output).toEqual({ done: true });
    // close() waited for the running request, which could not end before the release.
    expect(await closed).toBe(true);
  });
});
