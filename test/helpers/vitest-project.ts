// A temp project that runs vitest itself in a child process, with cxda/vitest taken from this checkout's source: what a
// user's own vitest run sees, for tests of describeAction and its failures.
import { execFile } from "node:child_process";
import { mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTempProject, REPO_ROOT, type TempProject } from "./temp-project.js";

/** `cxda/vitest` as a quoted import specifier for test files written into the project. */
export const CXDA_VITEST = JSON.stringify(join(REPO_ROOT, "src", "vitest", "index.ts"));

const VITEST = join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs");

/** A temp project with vitest linked into its node_modules and a config that runs `tests/**\/*.test.ts`. */
export async function createVitestProject(): Promise<TempProject> {
  const project = await createTempProject();
  await mkdir(join(project.root, "node_modules"));
  await symlink(join(REPO_ROOT, "node_modules", "vitest"), join(project.root, "node_modules", "vitest"), "dir");
  await writeFile(
    join(project.root, "vitest.config.mjs"),
    'export default { test: { include: ["tests/**/*.test.ts"], testTimeout: 60000, hookTimeout: 60000 } };\n',
  );
  await mkdir(join(project.root, "tests"));
  return project;
}

/**
 * Runs `vitest run` in `root` without this run's own vitest variables (a nested vitest would take them as its own).
 * @param args extra arguments (`--reporter=json` …)
 */
export function runVitest(root: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, "run", "--root", root, "--config", join(root, "vitest.config.mjs"), ...args],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: "1", ...env, VITEST: undefined, VITEST_WORKER_ID: undefined, VITEST_POOL_ID: undefined },
        timeout: 120_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}
