// Bundles are reused while the files they were built from keep their bytes, and rebuilt as soon as one changes.
import { mkdir, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleTransform } from "../../../src/executor/bundle-transform.js";
import { createTempProject, type TempProject } from "../../helpers/temp-project.js";

describe("bundleTransform's cache", () => {
  let project: TempProject;
  let dir: string;
  const allow = { network: false, fsWrite: false };

  beforeAll(async () => {
    project = await createTempProject();
    dir = await project.addAction("cached", { transform: `import { label } from "./label.js";\nexport default (t) => ({ id: label(t.n) });` });
    await writeFile(join(dir, "label.ts"), `export const label = (n) => "first-" + n;\n`);
  });
  afterAll(async () => {
    await project.remove();
  });

  const bundle = (buildDir: string) => bundleTransform({ kind: "file", file: join(dir, "transform.ts") }, { buildDir, allow });

  it("records every file it read, and returns the recorded bundle while they are unchanged", async () => {
    const buildDir = join(project.root, "build-reuse");
    const first = await bundle(buildDir);
    const manifests = (await readdir(buildDir)).filter((name) => name.endsWith(".inputs.json"));
    expect(manifests).toHaveLength(1);
    const manifestFile = join(buildDir, manifests[0]!);
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as { hash: string; inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs).sort()).toEqual([join(dir, "label.ts"), join(dir, "transform.ts")]);
    // The manifest alone decides: a hash only it holds comes back, so esbuild did not run.
    await writeFile(manifestFile, JSON.stringify({ ...manifest, hash: "from-the-manifest" }));
    expect(await bundle(buildDir)).toEqual({ ...first, hash: "from-the-manifest" });
  });

  it("builds again when an imported file changes, even though the entry file did not", async () => {
    const buildDir = join(project.root, "build-change");
    const first = await bundle(buildDir);
    await writeFile(join(dir, "label.ts"), `export const label = (n) => "second-" + n;\n`);
    const second = await bundle(buildDir);
    expect(second.hash).not.toBe(first.hash);
    expect(await readFile(second.file, "utf8")).toContain("second-");
  });

  it("builds again when the recorded bundle is gone", async () => {
    const buildDir = join(project.root, "build-gone");
    const first = await bundle(buildDir);
    await rm(first.file);
    const again = await bundle(buildDir);
    expect(again).toEqual(first);
    expect(await readFile(again.file, "utf8")).toContain("label");
  });

  it("builds again when a new file changes what an import resolves to, or a tsconfig changes", async () => {
    const other = await project.addAction("resolving", { transform: `import { which } from "./helper";\nexport default () => ({ id: which });` });
    await writeFile(join(other, "helper.js"), `export const which = "from-js";\n`);
    const buildDir = join(project.root, "build-resolve");
    const build = () => bundleTransform({ kind: "file", file: join(other, "transform.ts") }, { buildDir, allow });
    const first = await build();
    expect(await readFile(first.file, "utf8")).toContain("from-js");
    // esbuild prefers helper.ts to helper.js: the bundle must follow, though no file it read has changed.
    await writeFile(join(other, "helper.ts"), `export const which = "from-ts";\n`);
    const second = await build();
    expect(await readFile(second.file, "utf8")).toContain("from-ts");
    expect(await build()).toEqual(second);
    await writeFile(join(other, "tsconfig.json"), JSON.stringify({ compilerOptions: { useDefineForClassFields: false } }));
    const manifests = async () => (await readdir(buildDir)).filter((name) => name.endsWith(".inputs.json"));
    const [manifest] = await manifests();
    const recorded = JSON.parse(await readFile(join(buildDir, manifest!), "utf8")) as { context: Record<string, string | null> };
    expect(recorded.context[join(other, "tsconfig.json")]).toBeNull();
    await build();
    const rewritten = JSON.parse(await readFile(join(buildDir, manifest!), "utf8")) as { context: Record<string, string | null> };
    expect(rewritten.context[join(other, "tsconfig.json")]).toMatch(/^[0-9a-f]{64}$/);
  });

  /** A transform in `folder` that imports `from`, bundled into its own build folder; returns a function to rebuild. */
  async function transformIn(folder: string, from: string): Promise<() => Promise<string>> {
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, "transform.ts"), `import { which } from "${from}";\nexport default () => ({ id: which });\n`);
    // Beside the folder, not in it: a build folder appearing in the folder would itself change its listing.
    const buildDir = `${folder}-build`;
    return async () => readFile((await bundleTransform({ kind: "file", file: join(folder, "transform.ts") }, { buildDir, allow })).file, "utf8");
  }

  it("builds again when a symbolic link it went through points elsewhere", async () => {
    const root = join(project.root, "links");
    for (const version of ["v1", "v2"]) {
      await mkdir(join(root, version), { recursive: true });
      await writeFile(join(root, version, "helper.ts"), `export const which = "from-${version}";\n`);
    }
    const folder = join(root, "action");
    const build = await transformIn(folder, "./shared/helper");
    await symlink(join(root, "v1"), join(folder, "shared"));
    expect(await build()).toContain("from-v1");
    await rm(join(folder, "shared"));
    await symlink(join(root, "v2"), join(folder, "shared"));
    expect(await build()).toContain("from-v2");
  });

  it("builds again when a tsconfig it extends changes", async () => {
    const folder = join(project.root, "extends");
    const build = await transformIn(folder, "lib");
    await writeFile(join(folder, "a.ts"), `export const which = "from-a";\n`);
    await writeFile(join(folder, "b.ts"), `export const which = "from-b";\n`);
    await writeFile(join(folder, "tsconfig.json"), JSON.stringify({ extends: "./base.json" }));
    const base = (target: string) => JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { lib: [target] } } });
    await writeFile(join(folder, "base.json"), base("./a.ts"));
    expect(await build()).toContain("from-a");
    await writeFile(join(folder, "base.json"), base("./b.ts"));
    expect(await build()).toContain("from-b");
  });

  it("builds again when a package it imports by name appears in a nearer node_modules", async () => {
    const root = join(project.root, "packages");
    const pkg = async (dir: string, text: string) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "package.json"), JSON.stringify({ name: "cxda-test-pkg", main: "index.js" }));
      await writeFile(join(dir, "index.js"), `export const which = "${text}";\n`);
    };
    await pkg(join(root, "node_modules", "cxda-test-pkg"), "from-root");
    const build = await transformIn(join(root, "actions", "uses-pkg"), "cxda-test-pkg");
    expect(await build()).toContain("from-root");
    await pkg(join(root, "actions", "node_modules", "cxda-test-pkg"), "from-nearer");
    expect(await build()).toContain("from-nearer");
  });
});
