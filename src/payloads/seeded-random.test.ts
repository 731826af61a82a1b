import { describe, expect, it } from "vitest";
import { createRandomInt, randomDigits } from "./seeded-random.js";

describe("createRandomInt", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = createRandomInt("seed");
    const b = createRandomInt("seed");
    const seqA = Array.from({ length: 20 }, () => a(1000));
    const seqB = Array.from({ length: 20 }, () => b(1000));
    expect(seqA).toEqual(seqB);
  });

  it("stays within [0, max) and spreads over the range", () => {
    const next = createRandomInt(7);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const n = next(10);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(10);
      seen.add(n);
    }
    expect(seen.size).toBe(10);
  });
});

describe("randomDigits", () => {
  it("returns the requested number of digits without a leading zero", () => {
    const next = createRandomInt("digits");
    for (let i = 0; i < 200; i++) expect(randomDigits(next, 6)).toMatch(/^[1-9]\d{5}$/);
  });
});
