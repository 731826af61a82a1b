import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LoadedAction } from "./load-action.js";
import { ActionCache, ResultRow } from "./run-plan.js";

describe("ActionCache", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "cxda-cache-"));
    await writeFile(join(dir, "definition.json"), "{}");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const counting = () => {
    let loads = 0;
    const load = (at: string): Promise<LoadedAction> => {
      loads++;
      return Promise.resolve({ dir: at, id: `load ${loads}` } as LoadedAction);
    };
    return { load, loads: () => loads };
  };

  it("loads an action once while its folder is unchanged", async () => {
    const cache = new ActionCache();
    const loader = counting();
    for (let i = 0; i < 100; i++) await cache.load(dir, loader.load);
    expect(loader.loads()).toBe(1);
  });

  it("loads it again once its definition changes or a transform appears", async () => {
    const cache = new ActionCache();
    const loader = counting();
    await cache.load(dir, loader.load);
    await writeFile(join(dir, "definition.json"), '{"changed":true}');
    expect((await cache.load(dir, loader.load)).id).toBe("load 2");
    await writeFile(join(dir, "transform.ts"), "export default () => ({})");
    expect((await cache.load(dir, loader.load)).id).toBe("load 3");
  });

  it("is not fooled into loading again by other files of the folder (recordings, reports, fixtures)", async () => {
    const cache = new ActionCache();
    const loader = counting();
    await cache.load(dir, loader.load);
    await mkdir(join(dir, "reports", "traces"), { recursive: true });
    for (let i = 0; i < 20; i++) await writeFile(join(dir, "reports", "traces", `${i}.json`), "{}");
    await cache.load(dir, loader.load);
    expect(loader.loads()).toBe(1);
  });

  it("keeps no failed load", async () => {
    const cache = new ActionCache();
    let calls = 0;
    const failing = (): Promise<LoadedAction> => {
      calls++;
      return Promise.reject(new Error("broken"));
    };
    await expect(cache.load(dir, failing)).rejects.toThrow("broken");
    await expect(cache.load(dir, failing)).rejects.toThrow("broken");
    expect(calls).toBe(2);
  });
});

describe("ResultRow", () => {
  it("gives results back in position order as they arrive, each once", () => {
    const row = new ResultRow();
    const first = row.reserve();
    const second = row.reserve();
    row.complete = true;
    row.set(second, { case: "b" } as never);
    expect(row.take()).toBeUndefined();
    row.set(first, { case: "a" } as never);
    expect(row.take()).toMatchObject({ case: "a" });
    expect(row.take()).toMatchObject({ case: "b" });
    expect(row.take()).toBeUndefined();
    expect(row.done).toBe(true);
  });
});
