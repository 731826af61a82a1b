// Unit tests of `cxda init` on real folders: a new project, and one that exists (package.json merged, files kept), the cxda spec and its warning.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Terminal } from "../terminal.js";
import { resolveScaffoldOptions, runInitCommand, scaffoldProject, scaffoldToolchain } from "./init.js";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..");
const OWN = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; devDependencies: Record<string, string> };

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cxda-init-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const TEMPLATE_FILES = [
  ".github/workflows/cxda.yml",
  ".gitignore",
  "README.md",
  "actions/callback-record/cases/rules.json",
  "actions/callback-record/cases/traps.json",
  "actions/callback-record/definition.json",
  "actions/callback-record/transform.ts",
  "actions/callback-record/trigger.json",
  "cxda.config.ts",
  "test/actions.test.ts",
  "tsconfig.json",
];
const EXPECTED_FILES = [...TEMPLATE_FILES, "package.json"].sort();

async function write(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

function captureTerminal(): Terminal & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { color: false, stdout, stderr, out: (line = "") => stdout.push(line), err: (line = "") => stderr.push(line) };
}

/** An existing project as npm leaves it: package.json (tabs, its own order and scripts), a lockfile, node_modules. */
const EXISTING_MANIFEST = [
  "{",
  '\t"name": "crm-hooks",',
  '\t"version": "2.3.0",',
  '\t"description": "hooks",',
  '\t"scripts": {',
  '\t\t"test": "jest",',
  '\t\t"build": "tsc -p ."',
  "\t},",
  '\t"dependencies": {',
  '\t\t"zod": "^3.0.0"',
  "\t},",
  '\t"author": "me"',
  "}",
  "",
].join("\n");

async function existingProject(manifest = EXISTING_MANIFEST): Promise<void> {
  await write(join(root, "package.json"), manifest);
  await write(join(root, "package-lock.json"), '{ "lockfileVersion": 3 }\n');
  await write(join(root, "node_modules", "zod", "package.json"), '{ "name": "zod" }\n');
  await write(join(root, "README.md"), "# crm-hooks\n");
  await write(join(root, "tsconfig.json"), '{ "compilerOptions": { "strict": true } }\n');
}

describe("scaffoldProject in a new folder", () => {
  it("writes the project and fills every placeholder", async () => {
    const dir = join(root, "My Project");
    const result = await scaffoldProject(dir);
    expect(result).toMatchObject({
      dir,
      action: "callback-record",
      files: EXPECTED_FILES,
      overwritten: [],
      skipped: [],
      gitignore: [],
      warnings: [],
    });
    for (const file of EXPECTED_FILES) expect(await readFile(join(dir, file), "utf8"), file).not.toMatch(/\{\{\w+\}\}|__action__/);
    const definition = JSON.parse(await readFile(join(dir, "actions/callback-record/definition.json"), "utf8")) as { id: string };
    expect(definition.id).toBe("callback-record");
    expect(await readFile(join(dir, "test/actions.test.ts"), "utf8")).toContain("describeAction(action);");
    expect(await readFile(join(dir, "README.md"), "utf8")).toMatch(/^# my-project\n/);
  });

  it("writes a package.json with cxda from the registry and the exact vitest and typescript cxda is tested with", async () => {
    const result = await scaffoldProject(root, { action: "lookup" });
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toEqual({
      name: expect.stringMatching(/^cxda-init-/),
      version: "0.0.0",
      private: true,
      type: "module",
      scripts: { test: "cxda test", "test:vitest": "vitest run", typecheck: "tsc" },
      devDependencies: { cxda: `^${OWN.version}`, typescript: OWN.devDependencies.typescript, vitest: OWN.devDependencies.vitest },
    });
    expect(result.packageJson).toEqual({
      created: true,
      scripts: ["test", "test:vitest", "typecheck"],
      devDependencies: ["cxda", "typescript", "vitest"],
      kept: [],
    });
    expect(JSON.parse(await readFile(join(root, "actions/lookup/trigger.json"), "utf8"))).toMatchObject({ dataActionId: "lookup" });
  });

  it("pins the toolchain of cxda's own package.json", () => {
    expect(scaffoldToolchain()).toEqual({ vitest: OWN.devDependencies.vitest, typescript: OWN.devDependencies.typescript });
  });

  it("writes a README whose links all lead to files the scaffold writes", async () => {
    const result = await scaffoldProject(root);
    const readme = await readFile(join(root, "README.md"), "utf8");
    expect(readme).not.toMatch(/npmjs\.com|https?:\/\//);
    for (const [, target] of readme.matchAll(/\]\(([^)]+)\)/g)) expect(result.files, `README links to ${target}`).toContain(target);
  });

  it("writes a CI workflow that shards cxda test over a matrix and uploads each shard's JUnit file", async () => {
    await scaffoldProject(root);
    const workflow = await readFile(join(root, ".github/workflows/cxda.yml"), "utf8");
    expect(workflow).toMatch(/shard: \[1, 2, 3\]/);
    expect(workflow).toContain(
      "npx cxda test --shard ${{ matrix.shard }}/3 --reporter default --reporter junit --output-file junit=reports/junit-${{ matrix.shard }}.xml",
    );
    expect(workflow).toMatch(/uses: actions\/upload-artifact@v\d+\n(?:.*\n)*? {10}path: reports\/junit-\$\{\{ matrix\.shard \}\}\.xml/);
  });

  it("rejects a path that is a file, and an action name that cannot be a folder", async () => {
    await writeFile(join(root, "file"), "");
    await expect(scaffoldProject(join(root, "file"))).rejects.toThrow("is a file; pass a folder, new or existing");
    expect(() => resolveScaffoldOptions(root, { action: "../up" })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});

describe("scaffoldProject in an existing project", () => {
  it("merges scripts and devDependencies into package.json, keeping its key order, tabs and entries", async () => {
    await existingProject();
    const result = await scaffoldProject(root);
    expect(await readFile(join(root, "package.json"), "utf8")).toBe(
      [
        "{",
        '\t"name": "crm-hooks",',
        '\t"version": "2.3.0",',
        '\t"description": "hooks",',
        '\t"scripts": {',
        '\t\t"test": "jest",',
        '\t\t"build": "tsc -p .",',
        '\t\t"test:cxda": "cxda test",',
        '\t\t"test:vitest": "vitest run",',
        '\t\t"typecheck": "tsc"',
        "\t},",
        '\t"dependencies": {',
        '\t\t"zod": "^3.0.0"',
        "\t},",
        '\t"author": "me",',
        '\t"devDependencies": {',
        `\t\t"cxda": "^${OWN.version}",`,
        `\t\t"typescript": "${OWN.devDependencies.typescript}",`,
        `\t\t"vitest": "${OWN.devDependencies.vitest}"`,
        "\t}",
        "}",
        "",
      ].join("\n"),
    );
    expect(result.packageJson).toEqual({
      created: false,
      scripts: ["test:cxda", "test:vitest", "typecheck"],
      devDependencies: ["cxda", "typescript", "vitest"],
      kept: [],
    });
  });

  it("adds its files without --force and never overwrites the user's: README.md and tsconfig.json are skipped", async () => {
    await existingProject();
    const result = await scaffoldProject(root);
    expect(result.skipped).toEqual(["README.md", "tsconfig.json"]);
    expect(result.files).toEqual(EXPECTED_FILES.filter((file) => file !== "README.md" && file !== "tsconfig.json"));
    expect(await readFile(join(root, "README.md"), "utf8")).toBe("# crm-hooks\n");
    expect(await readFile(join(root, "tsconfig.json"), "utf8")).toBe('{ "compilerOptions": { "strict": true } }\n');
    expect(await readFile(join(root, "package-lock.json"), "utf8")).toBe('{ "lockfileVersion": 3 }\n');
    expect((await stat(join(root, "node_modules/zod/package.json"))).isFile()).toBe(true);
    // The README it writes when there is none is named after the package, not the folder.
    await rm(join(root, "README.md"));
    await scaffoldProject(root);
    expect(await readFile(join(root, "README.md"), "utf8")).toMatch(/^# crm-hooks\n/);
  });

  it("replaces the scaffold's existing files with --force, and still merges package.json", async () => {
    await existingProject();
    const result = await scaffoldProject(root, { force: true });
    expect(result.overwritten).toEqual(["README.md", "tsconfig.json"]);
    expect(result.skipped).toEqual([]);
    expect(await readFile(join(root, "README.md"), "utf8")).toMatch(/^# crm-hooks\n\nData actions tested offline/);
    expect(JSON.parse(await readFile(join(root, "package.json"), "utf8"))).toMatchObject({ scripts: { test: "jest", build: "tsc -p ." } });
  });

  it("keeps a cxda already in dependencies or devDependencies as it is, even when --cxda names another", async () => {
    for (const field of ["dependencies", "devDependencies"] as const) {
      await rm(root, { recursive: true, force: true });
      await write(join(root, "package.json"), `${JSON.stringify({ name: "p", [field]: { cxda: "file:../cxda-0.1.0.tgz" } }, null, 2)}\n`);
      const result = await scaffoldProject(root, { cxdaSpec: "^9.0.0" });
      const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Record<string, Record<string, string>>;
      expect(manifest[field]?.cxda, field).toBe("file:../cxda-0.1.0.tgz");
      expect(result.packageJson.kept, field).toEqual([{ name: "cxda", spec: "file:../cxda-0.1.0.tgz", field }]);
      expect(result.packageJson.devDependencies, field).toEqual(["typescript", "vitest"]);
    }
  });

  it("warns when a kept vitest 3 or typescript 4 is too old for the scaffold (npm install would fail with ERESOLVE on cxda/vitest's peer vitest 4)", async () => {
    await write(join(root, "package.json"), '{\n  "name": "x",\n  "devDependencies": { "vitest": "^3.2.0", "typescript": "~4.9.5" }\n}\n');
    const result = await scaffoldProject(root, { cwd: root });
    expect(result.packageJson.kept.map((dependency) => dependency.name)).toEqual(["typescript", "vitest"]);
    expect(result.warnings).toEqual([
      `package.json keeps typescript ~4.9.5 (devDependencies), but the scaffold needs typescript 5.3 or newer (tsconfig.json's Bundler resolution and the JSON import of test/actions.test.ts); change it to "${OWN.devDependencies.typescript}" and run npm install`,
      `package.json keeps vitest ^3.2.0 (devDependencies), but the scaffold needs vitest 4.0 or newer (cxda/vitest's peer dependency is vitest ^4.0.0, so npm install refuses an older one); change it to "${OWN.devDependencies.vitest}" and run npm install`,
    ]);
  });

  it("a second run adds nothing: every file is skipped and package.json is left byte for byte", async () => {
    await existingProject();
    await scaffoldProject(root);
    const before = await readFile(join(root, "package.json"), "utf8");
    const again = await scaffoldProject(root);
    expect(again.files).toEqual([]);
    expect(again.skipped).toEqual(TEMPLATE_FILES);
    expect(again.packageJson).toMatchObject({ scripts: [], devDependencies: [] });
    expect(await readFile(join(root, "package.json"), "utf8")).toBe(before);
  });

  it("adds the lines an existing .gitignore lacks, keeping its own", async () => {
    await write(join(root, ".gitignore"), "/node_modules\ndist/\n.env");
    const result = await scaffoldProject(root);
    expect(result.gitignore).toEqual([".cxda/", "reports/"]);
    expect(await readFile(join(root, ".gitignore"), "utf8")).toBe("/node_modules\ndist/\n.env\n# added by cxda init\n.cxda/\nreports/\n");
    expect(result.files).not.toContain(".gitignore");
  });

  it("adds the lines a CRLF .gitignore lacks with CRLF line ends, not a mix of both", async () => {
    await write(join(root, ".gitignore"), "node_modules\r\n.env");
    await scaffoldProject(root);
    expect(await readFile(join(root, ".gitignore"), "utf8")).toBe("node_modules\r\n.env\r\n# added by cxda init\r\n.cxda/\r\nreports/\r\n");
  });

  it("refuses a package.json that is not JSON, naming its line:column, and writes nothing", async () => {
    await write(join(root, "package.json"), '{\n  "name": "x",\n  "scripts": { "test": "jest", }\n}\n');
    await expect(scaffoldProject(root, { cwd: root })).rejects.toThrow(
      expect.objectContaining({
        code: "E_CONFIG",
        message: expect.stringMatching(/^package\.json:3:32: malformed JSON: .*fix it and run cxda init again$/),
      }),
    );
    expect(await stat(join(root, "cxda.config.ts")).catch(() => undefined)).toBeUndefined();
  });
});

describe("scaffoldProject where it cannot write", () => {
  async function entries(dir: string): Promise<string[]> {
    return (await readdir(dir, { recursive: true })).sort();
  }

  it("refuses a file where a folder is needed (.github is a file), naming it, and writes nothing: no half-made project", async () => {
    await write(join(root, "package.json"), '{ "name": "x" }\n');
    await write(join(root, ".github"), "not a folder\n");
    const before = await entries(root);
    await expect(scaffoldProject(root, { cwd: root })).rejects.toThrow(
      expect.objectContaining({
        code: "E_USAGE",
        message:
          ".github: is a file where cxda init needs a folder (for .github/workflows/cxda.yml); move it away and run cxda init again. Nothing was written",
      }),
    );
    expect(await entries(root)).toEqual(before);
    expect(await readFile(join(root, "package.json"), "utf8")).toBe('{ "name": "x" }\n');
  });

  it("names a file on the way to the project folder instead of failing to read package.json with ENOTDIR", async () => {
    await write(join(root, "notes"), "");
    await expect(scaffoldProject("notes/project", { cwd: root })).rejects.toThrow(
      expect.objectContaining({ code: "E_USAGE", message: "notes: is a file, so notes/project cannot be a folder; pass another folder" }),
    );
  });

  // Root writes read-only files regardless, so this runs only as another user (a developer's machine).
  it.skipIf(process.getuid?.() === 0)("refuses a read-only package.json before writing anything, saying how to fix it", async () => {
    await write(join(root, "package.json"), '{ "name": "x" }\n');
    await chmod(join(root, "package.json"), 0o444);
    await expect(scaffoldProject(root, { cwd: root })).rejects.toThrow(
      expect.objectContaining({
        code: "E_USAGE",
        message: expect.stringMatching(
          /^package\.json: not writable \(EACCES\); make it writable \(chmod u\+w package\.json\).*Nothing was written$/,
        ),
      }),
    );
    expect(await entries(root)).toEqual(["package.json"]);
  });
});

describe("the cxda dependency", () => {
  it("writes --cxda as given for a registry range and a git URL", async () => {
    for (const spec of ["^0.2.0", "github:someone/cxda#v0.1.0", "git+https://example.com/cxda.git"]) {
      await rm(root, { recursive: true, force: true });
      const result = await scaffoldProject(root, { cxdaSpec: spec });
      expect(JSON.parse(await readFile(join(root, "package.json"), "utf8")), spec).toMatchObject({ devDependencies: { cxda: spec } });
      expect(result.warnings, spec).toEqual([]);
    }
  });

  it("writes a tarball path given from the current folder as file: relative to the project", async () => {
    await write(join(root, "vendor", "cxda-0.1.0.tgz"), "");
    const result = await scaffoldProject("project", { cwd: root, cxdaSpec: "./vendor/cxda-0.1.0.tgz" });
    expect(JSON.parse(await readFile(join(root, "project/package.json"), "utf8"))).toMatchObject({
      devDependencies: { cxda: "file:../vendor/cxda-0.1.0.tgz" },
    });
    expect(result.warnings).toEqual([]);
  });

  it("writes an absolute path inside the project relatively, without a warning", async () => {
    await write(join(root, "vendor", "cxda-0.1.0.tgz"), "");
    const result = await scaffoldProject(root, { cxdaSpec: join(root, "vendor", "cxda-0.1.0.tgz") });
    expect(JSON.parse(await readFile(join(root, "package.json"), "utf8"))).toMatchObject({ devDependencies: { cxda: "file:vendor/cxda-0.1.0.tgz" } });
    expect(result.warnings).toEqual([]);
  });

  it("warns on stderr, without failing, when --cxda is an absolute path outside the project", async () => {
    const checkout = join(root, "cxda-checkout");
    await mkdir(checkout);
    const terminal = captureTerminal();
    const code = await runInitCommand("project", { cxda: `file:${checkout}` }, terminal, root);
    expect(code).toBe(0);
    expect(terminal.stderr).toEqual([
      `warning: --cxda file:${checkout} is an absolute path: it resolves on this machine only, not on a colleague's or in CI. ` +
        "Put the tarball inside the project and pass it relatively (--cxda ./vendor/cxda.tgz), or use a git URL or a registry version",
    ]);
    expect(JSON.parse(await readFile(join(root, "project/package.json"), "utf8"))).toMatchObject({ devDependencies: { cxda: `file:${checkout}` } });
  });

  it("warns when a local --cxda path does not exist", async () => {
    const result = await scaffoldProject(root, { cwd: root, cxdaSpec: "./missing.tgz" });
    expect(result.warnings).toEqual([`--cxda ./missing.tgz: ${join(root, "missing.tgz")} does not exist; npm install will fail until it does`]);
  });
});

describe("runInitCommand", () => {
  it("prints what it added, merged and skipped, then npm install for the added dependencies", async () => {
    await existingProject();
    const terminal = captureTerminal();
    expect(await runInitCommand(".", {}, terminal, root)).toBe(0);
    const out = terminal.stdout.join("\n");
    expect(out).toMatch(/^Added cxda to the project in \.:\n {2}\.github\/workflows\/cxda\.yml\n/);
    expect(out).toContain("  package.json (added scripts test:cxda, test:vitest, typecheck; devDependencies cxda, typescript, vitest)");
    expect(out).toContain("Already there, left as they are (--force replaces them):\n  README.md\n  tsconfig.json");
    expect(out).toMatch(
      /Next steps:\n {2}npm install +installs cxda, typescript and vitest\n {2}npx cxda check +finds typos .*\n {2}npx cxda test +runs the cases/,
    );
    expect(terminal.stderr).toEqual([]);
  });

  it("does not ask for npm install when every dependency was there and installed", async () => {
    await existingProject(`${JSON.stringify({ name: "p", devDependencies: { cxda: "^0.1.0", typescript: "5.0.0", vitest: "4.0.0" } }, null, 2)}\n`);
    const terminal = captureTerminal();
    await runInitCommand(".", { json: true }, terminal, root);
    const printed = JSON.parse(terminal.stdout.join("\n")) as { next: string[]; packageJson: { kept: unknown[] } };
    expect(printed.next).toEqual(["npx cxda check", "npx cxda test", "npx vitest run"]);
    expect(printed.packageJson.kept).toHaveLength(3);
  });
});
