// Unit tests of scaffoldProject: the files written, package.json, placeholders, and refusing folders that are not empty.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultCxdaSpec, resolveScaffoldOptions, scaffoldProject, VITEST_VERSION } from "./init.js";

const REPO_ROOT = resolve(import.meta.dirname, "..", "..", "..");

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "cxda-init-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const EXPECTED_FILES = [
  ".gitignore",
  "README.md",
  "actions/callback-record/cases/rules.json",
  "actions/callback-record/cases/traps.json",
  "actions/callback-record/definition.json",
  "actions/callback-record/transform.ts",
  "actions/callback-record/trigger.json",
  "cxda.config.ts",
  "package.json",
  "test/actions.test.ts",
  "tsconfig.json",
];

describe("scaffoldProject", () => {
  it("writes the project into a new folder and fills every placeholder", async () => {
    const dir = join(root, "My Project");
    const result = await scaffoldProject(dir);
    expect(result).toEqual({ dir, action: "callback-record", files: EXPECTED_FILES, overwritten: [] });
    for (const file of EXPECTED_FILES) expect(await readFile(join(dir, file), "utf8"), file).not.toMatch(/\{\{|__action__/);
    const definition = JSON.parse(await readFile(join(dir, "actions/callback-record/definition.json"), "utf8")) as { id: string };
    expect(definition.id).toBe("callback-record");
    expect(await readFile(join(dir, "test/actions.test.ts"), "utf8")).toContain("describeAction(action);");
    expect(await readFile(join(dir, "README.md"), "utf8")).toMatch(/^# my-project\n/);
  });

  it("writes a package.json with cxda from this checkout and the pinned vitest", async () => {
    await scaffoldProject(root, { action: "lookup" });
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ private: true, type: "module", devDependencies: { cxda: `file:${REPO_ROOT}`, vitest: "4.1.12" } });
    expect(JSON.parse(await readFile(join(root, "actions/lookup/trigger.json"), "utf8"))).toMatchObject({ dataActionId: "lookup" });
  });

  it("pins the vitest that cxda itself is tested with", async () => {
    const own = JSON.parse(await readFile(join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
    expect(VITEST_VERSION).toBe(own.devDependencies.vitest);
  });

  it("uses the version when cxda runs from inside node_modules, and file: from a checkout", () => {
    expect(defaultCxdaSpec("/home/u/project/node_modules/cxda")).toMatch(/^\d+\.\d+\.\d+/);
    expect(defaultCxdaSpec("/home/u/src/cxda")).toBe("file:/home/u/src/cxda");
  });

  it("refuses a folder that is not empty, naming what is there", async () => {
    await writeFile(join(root, "notes.txt"), "mine");
    await expect(scaffoldProject(root)).rejects.toThrow(
      expect.objectContaining({
        code: "E_USAGE",
        message: expect.stringContaining("the folder is not empty (notes.txt); choose a new or empty folder, or pass --force"),
      }),
    );
  });

  it("counts a folder holding only .git as empty", async () => {
    await mkdir(join(root, ".git"));
    expect((await scaffoldProject(root)).files).toEqual(EXPECTED_FILES);
  });

  it("with force, writes into a folder that is not empty, replacing same-named files and keeping the others", async () => {
    await writeFile(join(root, "notes.txt"), "mine");
    await writeFile(join(root, "README.md"), "old");
    const result = await scaffoldProject(root, { force: true });
    expect(result.overwritten).toEqual(["README.md"]);
    expect(await readFile(join(root, "notes.txt"), "utf8")).toBe("mine");
    expect(await readFile(join(root, "README.md"), "utf8")).not.toBe("old");
  });

  it("rejects a path that is a file, and an action name that cannot be a folder", async () => {
    await writeFile(join(root, "file"), "");
    await expect(scaffoldProject(join(root, "file"))).rejects.toThrow("is a file; pass a new or empty folder");
    expect(() => resolveScaffoldOptions(root, { action: "../up" })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});
