import { describe, expect, it } from "vitest";
import { isoDate, isoDateTime } from "./format-values.js";

describe("isoDateTime and isoDate", () => {
  it("write exactly what toISOString writes, at the edges of days, years and the plain range", () => {
    const instants = [
      0,
      1,
      999,
      86_399_999,
      86_400_000,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2026, 0, 1, 9),
      Date.UTC(2026, 11, 31, 23, 59, 59, 5),
      253_402_300_799_999,
      // Outside the plain range (before 1970, after 9999, fractions): Date writes them.
      253_402_300_800_000,
      -1,
      -86_400_001,
      1.5,
    ];
    for (let day = 0; day < 800; day++) instants.push(Date.UTC(2025, 6, 1) + day * 86_400_000 + ((day * 7_919_777) % 86_400_000));
    for (const ms of instants) {
      expect(isoDateTime(ms), String(ms)).toBe(new Date(ms).toISOString());
      expect(isoDate(ms), String(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});
