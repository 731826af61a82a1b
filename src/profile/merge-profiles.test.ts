import { describe, expect, it } from "vitest";
import type { CpuProfile } from "../executor/protocol.js";
import type { BundleSourceMap } from "./bundle-source-map.js";
import { mapProfileToSources, mergeCpuProfiles } from "./merge-profiles.js";
import { topFunctions } from "./top-functions.js";

const frame = (functionName: string, lineNumber = 0) => ({ functionName, scriptId: "1", url: "file:///a.mjs", lineNumber, columnNumber: 0 });

/** root → main → (hot, cold); samples given as node ids, 1 ms apart, the last one 1 ms before the end. */
function profile(startTime: number, samples: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame("(root)", -1), hitCount: 0, children: [2] },
      { id: 2, callFrame: frame("main", 1), hitCount: samples.filter((s) => s === 2).length, children: [3, 4] },
      { id: 3, callFrame: frame("hot", 5), hitCount: samples.filter((s) => s === 3).length, children: [] },
      { id: 4, callFrame: frame("cold", 9), hitCount: samples.filter((s) => s === 4).length, children: [] },
    ],
    startTime,
    endTime: startTime + (samples.length + 1) * 1000,
    samples,
    timeDeltas: samples.map(() => 1000),
  };
}

describe("mergeCpuProfiles", () => {
  it("joins call trees by path and adds hit counts", () => {
    const merged = mergeCpuProfiles([profile(5_000, [3, 3, 2]), profile(900_000, [3, 4])]);
    const byName = (name: string) => merged.nodes.filter((n) => n.callFrame.functionName === name);
    expect(byName("hot")).toHaveLength(1);
    expect(byName("hot")[0]?.hitCount).toBe(3);
    expect(byName("cold")[0]?.hitCount).toBe(1);
    expect(byName("main")[0]?.hitCount).toBe(1);
    expect(merged.samples).toHaveLength(5);
    expect(merged.samples?.map((id) => merged.nodes.find((n) => n.id === id)?.callFrame.functionName)).toEqual(["hot", "hot", "main", "hot", "cold"]);
  });

  it("lays the batches end to end: the duration is their sum and no time delta is negative", () => {
    const merged = mergeCpuProfiles([profile(5_000, [3, 3, 2]), profile(1_000, [3, 4])]);
    expect(merged.endTime - merged.startTime).toBe(7_000);
    expect(merged.timeDeltas).toEqual([1000, 1000, 1000, 2000, 1000]);
  });

  it("keeps a function reached through two callers as two nodes, with one row in the top table", () => {
    const a = profile(0, [3]);
    const b: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", -1), children: [2] },
        { id: 2, callFrame: frame("other", 20), children: [3] },
        { id: 3, callFrame: frame("hot", 5), hitCount: 1, children: [] },
      ],
      startTime: 0,
      endTime: 2000,
      samples: [3],
      timeDeltas: [1000],
    };
    const merged = mergeCpuProfiles([a, b]);
    expect(merged.nodes.filter((n) => n.callFrame.functionName === "hot")).toHaveLength(2);
    const rows = topFunctions(merged, { scope: "all" });
    const hot = rows.filter((r) => r.functionName === "hot");
    expect(hot).toHaveLength(1);
    expect(hot[0]).toMatchObject({ selfPct: 100, totalPct: 100 });
  });
});

describe("topFunctions", () => {
  it("orders by self time and counts total time with callees, recursion once", () => {
    const recursive: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", -1), children: [2] },
        { id: 2, callFrame: frame("walk", 1), children: [3] },
        { id: 3, callFrame: frame("walk", 1), children: [4] },
        { id: 4, callFrame: frame("leaf", 7), children: [] },
      ],
      startTime: 0,
      endTime: 6000,
      samples: [2, 3, 4, 4, 4],
      timeDeltas: [1000, 1000, 1000, 1000, 1000],
    };
    const rows = topFunctions(recursive, { scope: "all" });
    expect(rows.map((r) => [r.functionName, r.selfMs, r.totalMs, r.line])).toEqual([
      ["leaf", 3, 3, 8],
      ["walk", 2, 5, 2],
    ]);
    expect(topFunctions(recursive, { scope: "all", by: "total" })[0]?.functionName).toBe("walk");
    expect(rows[0]?.selfPct).toBe(60);
  });

  it("keeps only the transform's functions unless asked for all", () => {
    const p = profile(0, [3, 3, 4]);
    expect(topFunctions(p)).toEqual([]);
    expect(topFunctions(p, { transformUrls: new Set(["file:///a.mjs"]) }).map((r) => [r.functionName, r.selfMs, r.totalMs])).toEqual([
      ["hot", 2, 2],
      ["cold", 1, 1],
      ["main", 0, 3],
    ]);
  });
});

describe("mapProfileToSources", () => {
  const bundle = "/build/x-transform-1234.mjs";
  const map: BundleSourceMap = {
    bundle,
    code: "",
    payload: { version: 3, file: "", sources: ["/src/helper.ts", "/src/transform.ts"], sourcesContent: [], names: [], mappings: "", sourceRoot: "" },
    contents: new Map(),
    entry: "/src/transform.ts",
    originalPosition: (line, column) => (line === 7 ? { file: "/src/helper.ts", line: 2, column: column - 2 } : undefined),
  };
  const at = (functionName: string, lineNumber: number, columnNumber: number, url = `file://${bundle}?cxda-coverage`) => ({
    id: 0,
    callFrame: { functionName, scriptId: "9", url, lineNumber, columnNumber },
    positionTicks: [{ line: lineNumber + 1, ticks: 1 }],
  });

  it("moves mapped frames to the source, the module's top level to the entry file, and leaves helpers in the bundle", () => {
    const profile: CpuProfile = {
      nodes: [at("hot", 7, 10), at("", 0, 0), at("__toESM", 3, 4), at("other", 1, 1, "node:internal/x")].map((node, i) => ({ ...node, id: i + 1 })),
      startTime: 0,
      endTime: 1,
    };
    const frames = mapProfileToSources(profile, new Map([[bundle, map]])).nodes;
    expect(frames.map((n) => [n.callFrame.url, n.callFrame.lineNumber, n.callFrame.columnNumber, n.positionTicks === undefined])).toEqual([
      ["file:///src/helper.ts", 2, 8, true],
      ["file:///src/transform.ts", 0, 0, true],
      [`file://${bundle}?cxda-coverage`, 3, 4, false],
      ["node:internal/x", 1, 1, false],
    ]);
  });
});
