// `cxda init` as a user runs it from this checkout: scaffold an empty folder, then `npx cxda test` and `npx vitest run` pass there, offline (test/e2e/pack-install.test.ts does it from a packed tarball).
import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, cxda, runInProject, type CliRun } from "../helpers/run-cli.js";
import { REPO_ROOT } from "../helpers/temp-project.js";

const inProject = (command: string, args: string[], cwd: string): Promise<CliRun> => runInProject(command, args, cwd, { offline: true });

/**
 * Stands in for `npm install` without a network: cxda is this checkout and vitest the checkout's own copy (so both
 * share one vitest instance, as an install would), each with a bin shim in node_modules/.bin for npx to find.
 */
async function linkDependencies(project: string): Promise<void> {
  const modules = join(project, "node_modules");
  await mkdir(join(modules, ".bin"), { recursive: true });
  await symlink(REPO_ROOT, join(modules, "cxda"), "dir");
  await symlink(join(REPO_ROOT, "node_modules", "vitest"), join(modules, "vitest"), "dir");
  const shims = { cxda: CLI, vitest: join(REPO_ROOT, "node_modules", "vitest", "vitest.mjs") };
  for (const [name, entry] of Object.entries(shims)) {
    const shim = join(modules, ".bin", name);
    await writeFile(shim, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`);
    await chmod(shim, 0o755);
  }
}

describe("cxda init", () => {
  let root: string;
  let project: string;
  let init: CliRun;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "cxda-init-e2e-"));
    project = join(root, "my-project");
    init = await cxda(["init", "my-project"], { cwd: root });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("scaffolds a new folder, lists what it wrote and prints the next steps", async () => {
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(
      "Created a cxda project in my-project:\n  .github/workflows/cxda.yml\n  .gitignore\n  README.md\n  actions/callback-record/cases/rules.json",
    );
    expect(init.stdout).toMatch(
      /Next steps:\n {2}cd my-project\s*\n {2}npm install\s+installs cxda, typescript and vitest\n {2}npx cxda check\s+finds typos.*\n {2}npx cxda test\s+runs the cases in actions\/callback-record\/cases\n {2}npx vitest run\s+/,
    );
    for (const file of [
      "cxda.config.ts",
      "package.json",
      "test/actions.test.ts",
      "actions/callback-record/transform.ts",
      "actions/callback-record/definition.json",
    ]) {
      expect((await stat(join(project, file))).isFile(), file).toBe(true);
    }
    const manifest = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    const own = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };
    expect(manifest.devDependencies).toEqual({
      cxda: `^${own.version}`,
      typescript: own.devDependencies.typescript,
      vitest: own.devDependencies.vitest,
    });
  });

  it("run again in the folder, adds nothing and leaves every file as it is, with exit code 0", async () => {
    const manifest = await readFile(join(project, "package.json"), "utf8");
    const again = await cxda(["init", "my-project"], { cwd: root });
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(
      "Already there, left as they are (--force replaces them):\n  .github/workflows/cxda.yml\n  .gitignore\n  README.md\n",
    );
    expect(await readFile(join(project, "package.json"), "utf8")).toBe(manifest);
  });

  it("gives a project where `npx cxda test` and `npx vitest run` both pass", async () => {
    await linkDependencies(project);

    const test = await inProject("npx", ["--no", "cxda", "test"], project);
    expect(test.stderr).toBe("");
    expect(test.stdout).toMatch(/^5 passed, 0 failed$/m);
    expect(test.code).toBe(0);

    const vitest = await inProject("npx", ["--no", "vitest", "run"], project);
    expect(vitest.stdout).toMatch(/Test Files +1 passed \(1\)/);
    expect(vitest.stdout).toMatch(/Tests +7 passed \(7\)/);
    expect(vitest.code).toBe(0);
  }, 180_000);
});
