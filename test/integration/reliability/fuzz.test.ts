// A bounded fuzz run in CI: 2,000 mutated definitions, schemas, payloads and cases with a fixed seed, and no unclean throw.
import { describe, expect, it } from "vitest";
import { createRandom, isCleanCxdaError, runFuzz } from "../../../scripts/fuzz.js";

describe("fuzzing the loaders, the validator and case preparation", () => {
  it("2,000 inputs with a fixed seed end in a result or a clean CxdaError, never anything else", async () => {
    const report = await runFuzz({ seed: "ci", count: 2_000, timeMs: 60_000, fileEvery: 20 });
    expect(report.findings).toEqual([]);
    expect(report.inputs).toBe(2_000);
    // Every target was exercised, and the inputs were bad enough to be refused in every family of errors.
    expect(Object.values(report.byTarget).every((count) => count > 0)).toBe(true);
    expect(Object.keys(report.rejected).sort()).toEqual(["E_CASE", "E_DEFINITION", "E_SCHEMA"]);
  });

  it("is reproducible: the same seed gives the same inputs", () => {
    const a = createRandom("seed");
    const b = createRandom("seed");
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(createRandom("other")()).not.toBe(createRandom("seed")());
  });

  it("tells a clean CxdaError from everything else", () => {
    expect(isCleanCxdaError({ name: "CxdaError", code: "E_CASE", message: "x" })).toBe(true);
    expect(isCleanCxdaError(new TypeError("x"))).toBe(false);
    expect(isCleanCxdaError({ name: "CxdaError", code: "E_CASE", message: "" })).toBe(false);
    expect(isCleanCxdaError({ name: "CxdaError", code: "oops", message: "x" })).toBe(false);
    expect(isCleanCxdaError("E_CASE")).toBe(false);
  });
});
