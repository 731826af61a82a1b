// The packed package as a user gets it: `npm pack`, an existing project outside the checkout that installs the tarball, then init, test, the CI workflow's shards, vitest and tsc there.
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProject, type CliRun } from "../helpers/run-cli.js";
import { REPO_ROOT } from "../helpers/temp-project.js";

interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const OWN = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as Manifest;
const VITEST = OWN.devDependencies?.vitest ?? "";

const run = (command: string, args: string[], cwd: string): Promise<CliRun> => runInProject(command, args, cwd);

/** Fails with the command's output, so a broken install or run says why. */
function expectSuccess(result: CliRun, what: string): void {
  expect(result.code, `${what} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`).toBe(0);
}

const INSTALL = ["install", "--no-audit", "--no-fund", "--prefer-offline"];

/** Every package a JavaScript file under `folder` imports by name (not Node's built-ins), with one file that does. */
async function importedPackages(folder: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:\/[^"']*)?["']/g;
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".js")) continue;
    const file = join(entry.parentPath, entry.name);
    for (const match of (await readFile(file, "utf8")).matchAll(specifier)) {
      const name = match[1]!;
      if (!builtinModules.includes(name) && !found.has(name)) found.set(name, relative(folder, file));
    }
  }
  return found;
}

describe("the packed package, installed into a project of its own", () => {
  let root: string;
  let project: string;
  let packed: { filename: string; files: Array<{ path: string }> };
  let init: CliRun;

  beforeAll(async () => {
    // Packed from the built tree: `prepare` would build again, and `npm test` has just built.
    for (const file of ["dist/cli/main.js", "dist/executor/worker-entry.bundle.js", "dist/executor/sandbox-process.bundle.js"]) {
      if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` before this test`);
    }
    root = await mkdtemp(join(tmpdir(), "cxda-pack-"));
    const pack = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], REPO_ROOT);
    expectSuccess(pack, "npm pack");
    packed = (JSON.parse(pack.stdout) as Array<typeof packed>)[0]!;

    // An existing project as `npm init -y` leaves it (CommonJS, npm's placeholder test script), then cxda installed
    // from the tarball and vitest pinned as cxda pins it: package.json, node_modules and a lockfile.
    project = join(root, "crm-hooks");
    await mkdir(project);
    const manifest = {
      name: "crm-hooks",
      version: "1.0.0",
      main: "index.js",
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
      type: "commonjs",
    };
    await writeFile(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    expectSuccess(
      await run("npm", [...INSTALL, "--save-dev", "--save-exact", join(root, packed.filename), `vitest@${VITEST}`], project),
      "npm install",
    );

    init = await run("npx", ["--no", "cxda", "init", "."], project);
  }, 240_000);

  afterAll(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it("packs what cxda needs at run time (dist with the sandbox bundles, templates, the example) and nothing of its tests", () => {
    const paths = packed.files.map((file) => file.path);
    for (const needed of [
      "package.json",
      "README.md",
      "dist/cli/main.js",
      "dist/index.js",
      "dist/index.d.ts",
      "dist/vitest/index.js",
      "dist/emulator/index.js",
      "dist/executor/worker-entry.bundle.js",
      "dist/executor/sandbox-process.bundle.js",
      "templates/init/dot-github/workflows/cxda.yml",
      "templates/init/dot-gitignore",
      "templates/init/actions/__action__/transform.ts",
      "examples/billing-callback/definition.json",
    ]) {
      expect(paths).toContain(needed);
    }
    // The scaffold's own vitest file (templates/init/test/) is meant to ship, as are the examples' upstream fixtures
    // (examples/genesys/*/fixtures/); nothing of cxda's tests is.
    const ours = paths.filter((path) => !path.startsWith("templates/") && !path.startsWith("examples/"));
    expect(ours.filter((path) => /\.test\.|(?:^|\/)(?:test|src|benchmarks|fixtures|scripts|\.ci)\//.test(path))).toEqual([]);
  });

  it("imports at run time only packages of its dependencies and peerDependencies", async () => {
    const allowed = new Set([OWN.name, ...Object.keys(OWN.dependencies ?? {}), ...Object.keys(OWN.peerDependencies ?? {})]);
    const imported = await importedPackages(join(project, "node_modules", "cxda", "dist"));
    expect([...imported].filter(([name]) => !allowed.has(name))).toEqual([]);
    expect(imported.has("ajv")).toBe(true);
  });

  it("init sets up the existing project without --force, keeping the installed cxda and merging package.json", async () => {
    expectSuccess(init, "npx cxda init .");
    expect(init.stderr).toBe("");
    expect(init.stdout).toContain("Added cxda to the project in .:\n  .github/workflows/cxda.yml\n  .gitignore\n");
    expect(init.stdout).toMatch(/Next steps:\n {2}npm install +installs typescript\n/);
    const merged = JSON.parse(await readFile(join(project, "package.json"), "utf8")) as Manifest & Record<string, unknown>;
    expect(Object.keys(merged)).toEqual(["name", "version", "main", "scripts", "type", "devDependencies"]);
    expect(merged.scripts).toEqual({
      test: 'echo "Error: no test specified" && exit 1',
      "test:cxda": "cxda test",
      "test:vitest": "vitest run",
      typecheck: "tsc",
    });
    expect(merged.devDependencies).toEqual({ cxda: `file:../${packed.filename}`, vitest: VITEST, typescript: OWN.devDependencies?.typescript });
  });

  it("passes `npx cxda test` on the scaffold's example", async () => {
    const test = await run("npx", ["--no", "cxda", "test"], project);
    expectSuccess(test, "npx cxda test");
    expect(test.stderr).toBe("");
    expect(test.stdout).toMatch(/^5 passed, 0 failed$/m);
  });

  it("passes `npx cxda check` on the scaffold", async () => {
    const check = await run("npx", ["--no", "cxda", "check"], project);
    expectSuccess(check, "npx cxda check");
    expect(check.stdout).toMatch(/^0 errors, 0 warnings in 1 action$/m);
  });

  it("runs the CI workflow's command on each of its shards: together they run every case once, each writing its JUnit file", async () => {
    const workflow = await readFile(join(project, ".github/workflows/cxda.yml"), "utf8");
    expect(workflow).toContain("- run: npx cxda check\n");
    const command = /- run: npx (cxda test --shard .*)$/m.exec(workflow)?.[1];
    expect(command).toBeDefined();
    let cases = 0;
    for (const shard of ["1", "2", "3"]) {
      const args = command!.replaceAll("${{ matrix.shard }}", shard).split(" ");
      expectSuccess(await run("npx", ["--no", ...args], project), `npx ${args.join(" ")}`);
      cases += (await readFile(join(project, `reports/junit-${shard}.xml`), "utf8")).match(/<testcase /g)?.length ?? 0;
    }
    expect(cases).toBe(5);
  });

  it("passes `npx vitest run` through cxda/vitest", async () => {
    const vitest = await run("npx", ["--no", "vitest", "run"], project);
    expectSuccess(vitest, "npx vitest run");
    expect(vitest.stdout).toMatch(/Test Files +1 passed \(1\)/);
    expect(vitest.stdout).toMatch(/Tests +7 passed \(7\)/);
  });

  it("type-checks with the typescript it added, once `npm install` has run as init said", async () => {
    expectSuccess(await run("npm", INSTALL, project), "npm install");
    expectSuccess(await run("npm", ["run", "typecheck"], project), "npm run typecheck");
  });
});
