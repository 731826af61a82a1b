import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxArguments } from "./sandbox-arguments.js";

describe("sandboxArguments", () => {
  let root: string;
  let outside: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "cxda-grants-"));
    outside = await mkdtemp(join(tmpdir(), "cxda-outside-"));
    await writeFile(join(outside, ".env"), "SECRET=1");
    // An action folder at a project's root: credentials beside it, below it, and links that lead out.
    const project = join(root, "project");
    await mkdir(join(project, "cases"), { recursive: true });
    await mkdir(join(project, "config"), { recursive: true });
    await mkdir(join(project, ".git"), { recursive: true });
    await writeFile(join(project, "transform.ts"), "export default () => ({})");
    await writeFile(join(project, "cases", "a.json"), "[]");
    await writeFile(join(project, ".env"), "SECRET=1");
    await writeFile(join(project, ".envrc"), "export SECRET=1");
    await writeFile(join(project, ".git", "config"), "[remote] url = https://user:token@example.invalid/x.git");
    await writeFile(join(project, "config", ".env"), "SECRET=1");
    await writeFile(join(project, "config", "settings.json"), "{}");
    await symlink(join(outside, ".env"), join(project, "notes.txt"));
    await symlink(join(project, "cases"), join(project, "cases-link"));
    // An action folder with nothing to hide.
    await mkdir(join(root, "plain", "cases"), { recursive: true });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  const readable = (path: string): string[] => sandboxArguments({ readPaths: [path], code: [], inspector: false, fsWrite: false }).isolation.readable;

  it("grants a folder with nothing to hide as a whole", () => {
    expect(readable(join(root, "plain"))).toContain(`${join(root, "plain")}/*`);
  });

  it("leaves out credential files at any of the first levels, .git, and links that lead out of the folder", () => {
    const project = join(root, "project");
    const granted = readable(project);
    expect(granted).toEqual(
      expect.arrayContaining([
        join(project, "transform.ts"),
        `${join(project, "cases")}/*`,
        join(project, "config", "settings.json"),
        `${join(project, "cases-link")}/*`,
      ]),
    );
    for (const hidden of [".env", ".envrc", ".git", "notes.txt", join("config", ".env")]) {
      expect(granted.some((path) => path === join(project, hidden) || path.startsWith(`${join(project, hidden)}/`))).toBe(false);
    }
    expect(granted.some((path) => path.startsWith(outside))).toBe(false);
  });

  it("turns the permission model on, or says why not", () => {
    const on = sandboxArguments({ readPaths: [join(root, "plain")], code: [], inspector: false, fsWrite: false });
    expect(on.execArgv).toEqual(expect.arrayContaining(["--allow-worker", `--allow-fs-read=${join(root, "plain")}/*`]));
    expect(on.isolation).toMatchObject({ permissionModel: true, limits: [] });
    const off = sandboxArguments({ readPaths: [join(root, "plain")], code: [], inspector: true, fsWrite: false });
    expect(off.isolation.permissionModel).toBe(false);
    expect(off.isolation.limits.join(" ")).toMatch(/cxda's own environment in \/proc/);
    expect(off.execArgv.some((arg) => arg.startsWith("--allow-fs-read"))).toBe(false);
  });
});
