import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { folderStamp } from "./folder-stamp.js";

describe("folderStamp", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cxda-stamp-"));
    await mkdir(join(dir, "lib"));
    await mkdir(join(dir, "cases"));
    await writeFile(join(dir, "definition.json"), "{}");
    await writeFile(join(dir, "lib", "helper.ts"), "export const a = 1;");
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("stays the same while nothing changes", async () => {
    expect(await folderStamp(dir)).toBe(await folderStamp(dir));
  });

  it("changes when a file is rewritten, added or removed, in a subfolder too", async () => {
    const first = await folderStamp(dir);
    await writeFile(join(dir, "lib", "helper.ts"), "export const a = 2;");
    const second = await folderStamp(dir);
    expect(second).not.toBe(first);
    await writeFile(join(dir, "transform.ts"), "export default () => ({});");
    const third = await folderStamp(dir);
    expect(third).not.toBe(second);
    await rm(join(dir, "transform.ts"));
    expect(await folderStamp(dir)).not.toBe(third);
  });

  it("leaves out cases/, hidden entries, node_modules and the paths it is told to skip", async () => {
    const before = await folderStamp(dir, new Set([join(dir, "recorded")]));
    await writeFile(join(dir, "cases", "recorded-1.json"), "{}");
    await mkdir(join(dir, ".build"));
    await writeFile(join(dir, ".build", "bundle.mjs"), "");
    await mkdir(join(dir, "node_modules"));
    await writeFile(join(dir, "node_modules", "x.js"), "");
    await mkdir(join(dir, "recorded"));
    await writeFile(join(dir, "recorded", "case.json"), "{}");
    expect(await folderStamp(dir, new Set([join(dir, "recorded")]))).toBe(before);
  });
});
