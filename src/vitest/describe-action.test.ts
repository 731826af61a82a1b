// Unit tests of describeAction's checks at collection: bad options, a missing folder and an action without cases fail early.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCases } from "../cases/load-cases.js";
import { describeAction, resolveDescribeActionOptions } from "./describe-action.js";
import { readActionSync } from "./read-action-sync.js";

const EXAMPLE = join(import.meta.dirname, "..", "..", "examples", "billing-callback");

let empty: string;
beforeAll(async () => {
  empty = await mkdtemp(join(tmpdir(), "cxda-describe-"));
  await mkdir(join(empty, "cases"));
});
afterAll(async () => {
  await rm(empty, { recursive: true, force: true });
});

describe("describeAction at collection", () => {
  it("rejects options that cannot work, naming the option", () => {
    expect(() => resolveDescribeActionOptions(EXAMPLE, { workers: 0 })).toThrow(
      "describeAction(" + EXAMPLE + "): workers must be a whole number >= 1, got 0",
    );
    expect(() => resolveDescribeActionOptions(EXAMPLE, { timeoutMs: -5 })).toThrow("timeoutMs must be a whole number >= 1, got -5");
    expect(() => resolveDescribeActionOptions(EXAMPLE, { memoryMb: 4 })).toThrow("memoryMb must be a whole number >= 16, got 4");
    expect(() => resolveDescribeActionOptions(EXAMPLE, { title: " " })).toThrow("title must be a non-empty string");
  });

  it("applies its defaults: not concurrent, every case, workers decided later", () => {
    const resolved = resolveDescribeActionOptions(new URL(`file://${EXAMPLE}`), { vars: { a: 1 } });
    expect(resolved).toMatchObject({ dir: EXAMPLE, title: undefined, concurrent: false, workers: undefined, run: { vars: { a: 1 } } });
    expect(resolved.filter({ name: "any" })).toBe(true);
  });

  it("fails for a folder that does not exist", () => {
    expect(() => describeAction(join(empty, "missing"))).toThrow(
      expect.objectContaining({ code: "E_USAGE", message: expect.stringContaining("missing: no such folder") }),
    );
  });

  it("fails for an action without cases, and when the filter keeps none", () => {
    expect(() => describeAction(empty)).toThrow("no cases to run; add cases/*.json to the action");
    expect(() => describeAction(EXAMPLE, { filter: () => false })).toThrow("(the filter kept none)");
  });
});

describe("readActionSync", () => {
  it("reads the example's id and its 14 cases exactly as loadCases does", async () => {
    const outline = readActionSync(EXAMPLE);
    expect(outline.id).toBe("da-test-12345");
    expect(outline.cases).toHaveLength(14);
    expect(outline.cases).toEqual(await loadCases(EXAMPLE));
  });

  it("keeps broken case files and bad cases as entries with their errors, as loadCases does", async () => {
    const dir = join(empty, "broken");
    await mkdir(join(dir, "cases"), { recursive: true });
    await writeFile(join(dir, "cases", "a.json"), '{ "name": "x",, }');
    await writeFile(join(dir, "cases", "b.json"), JSON.stringify([{ name: "fine" }, { name: "typo", expect: { mtach: {} } }, 7]));
    const outline = readActionSync(dir);
    expect(outline.cases.map((entry) => entry.ok)).toEqual([false, true, false, false]);
    expect(outline.cases).toEqual(await loadCases(dir));
  });

  it("falls back to the folder name when there is no definition", () => {
    expect(readActionSync(empty).id).toBe(empty.split("/").pop());
  });
});
