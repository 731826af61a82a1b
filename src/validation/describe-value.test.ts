import { describe, expect, it } from "vitest";
import { describeValue } from "./describe-value.js";

describe("describeValue", () => {
  it("names the JSON type and shows a short value", () => {
    expect(describeValue("87")).toBe('string "87"');
    expect(describeValue(87.5)).toBe("number 87.5");
    expect(describeValue(false)).toBe("boolean false");
    expect(describeValue(null)).toBe("null");
    expect(describeValue([1, 2])).toBe("array [1,2]");
    expect(describeValue({ a: 1 })).toBe('object {"a":1}');
  });

  it("shortens a long string and says how long it was", () => {
    const text = describeValue("x".repeat(500));
    expect(text).toMatch(/^string "x+…" \(500 characters\)$/);
    expect(text.length).toBeLessThan(100);
  });

  it("summarises big arrays and objects by size", () => {
    expect(describeValue(Array.from({ length: 100 }, (_, i) => i))).toBe("array of 100 items");
    const big = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, i]));
    expect(describeValue(big)).toBe("object with 30 properties");
  });

  it("does not split a surrogate pair when shortening", () => {
    const text = describeValue(`${"a".repeat(59)}😀tail${"b".repeat(10)}`);
    expect(text).toContain('a…" (75 characters)');
  });
});
