// Unit tests of the definitions cache: round trip, atomic writes, corrupt files, and id checks.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assertSafeActionId, createDefinitionsCache } from "./definitions-cache.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cxda-cache-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const definition = { id: "da-1", name: "one", version: 2, schema: { input: {}, output: { type: "object" } } };
const fixedNow = () => new Date("2026-11-20T10:00:00Z");

describe("createDefinitionsCache", () => {
  it("writes under <cwd>/.cxda/cache/<id>.json and reads it back", async () => {
    const cache = createDefinitionsCache({ cwd: dir, now: fixedNow });
    expect(await cache.read("da-1")).toMatchObject({ status: "miss" });
    await cache.write("da-1", { definition, version: 2, etag: '"abc"', url: "http://127.0.0.1/api/v2/data-actions/da-1" });
    const found = await cache.read("da-1");
    expect(found).toMatchObject({
      status: "hit",
      file: join(dir, ".cxda/cache/da-1.json"),
      entry: { id: "da-1", version: 2, etag: '"abc"', fetchedAt: "2026-11-20T10:00:00.000Z", definition },
    });
  });

  it("leaves the old file intact when the process dies between write and rename", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    await cache.write("da-1", { definition, version: 2 });
    const before = await readFile(cache.fileFor("da-1"), "utf8");
    const crashing = createDefinitionsCache({
      cwd: dir,
      fs: {
        rename: async () => {
          throw Object.assign(new Error("simulated crash"), { code: "EIO" });
        },
      },
    });
    await expect(crashing.write("da-1", { definition: { ...definition, version: 3 }, version: 3 })).rejects.toMatchObject({
      code: "E_CACHE",
      message: expect.stringContaining("previous copy, if any, is unchanged"),
    });
    expect(await readFile(cache.fileFor("da-1"), "utf8")).toBe(before);
    expect(await readdir(cache.dir)).toEqual(["da-1.json"]);
  });

  it("detects a truncated file and returns nothing from it", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    await cache.write("da-1", { definition });
    const text = await readFile(cache.fileFor("da-1"), "utf8");
    await writeFile(cache.fileFor("da-1"), text.slice(0, Math.floor(text.length / 2)));
    const found = await cache.read("da-1");
    expect(found).toMatchObject({
      status: "corrupt",
      warning: { code: "cache-corrupt", id: "da-1", message: expect.stringMatching(/truncated or malformed/) },
    });
    expect("entry" in found).toBe(false);
  });

  it("detects a definition edited behind the integrity hash", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    await cache.write("da-1", { definition });
    const entry = JSON.parse(await readFile(cache.fileFor("da-1"), "utf8")) as { definition: { version: number } };
    entry.definition.version = 99;
    await writeFile(cache.fileFor("da-1"), JSON.stringify(entry));
    expect(await cache.read("da-1")).toMatchObject({ status: "corrupt", warning: { message: expect.stringMatching(/integrity/) } });
  });

  it("detects an empty file and a file for another id", async () => {
    const cache = createDefinitionsCache({ cwd: dir });
    await cache.write("da-2", { definition });
    await writeFile(cache.fileFor("da-1"), "");
    expect(await cache.read("da-1")).toMatchObject({ status: "corrupt", warning: { message: expect.stringMatching(/empty/) } });
    await writeFile(cache.fileFor("da-1"), await readFile(cache.fileFor("da-2"), "utf8"));
    expect(await cache.read("da-1")).toMatchObject({ status: "corrupt", warning: { message: expect.stringMatching(/its id is "da-2"/) } });
  });

  it("honours a configured cache folder", async () => {
    const cache = createDefinitionsCache({ cwd: dir, dir: "elsewhere/cache" });
    expect(cache.fileFor("x")).toBe(join(dir, "elsewhere/cache/x.json"));
  });
});

describe("assertSafeActionId", () => {
  it("accepts ordinary ids", () => {
    expect(() => assertSafeActionId("da-test-12345")).not.toThrow();
    expect(() => assertSafeActionId("11eb0b6f-xxxx_v2")).not.toThrow();
  });

  it.each(["", "../etc/passwd", "a/b", "a\\b", "..", ".hidden", "a\u0000b", "c:evil"])("refuses %j before it becomes a file name", (id) => {
    expect(() => assertSafeActionId(id)).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });
});
