import { describe, expect, it } from "vitest";
import { diffValues, showValue } from "./compare-values.js";

describe("diffValues", () => {
  it("finds no difference between equal values", () => {
    expect(diffValues({ a: [1, { b: "x" }] }, { a: [1, { b: "x" }] }, { partial: false })).toEqual([]);
  });

  it("reports a changed leaf by JSON Pointer", () => {
    expect(diffValues({ a: { b: 1 } }, { a: { b: 2 } }, { partial: false })).toEqual([{ path: "/a/b", expected: 1, actual: 2 }]);
  });

  it("reports extra keys in exact mode and ignores them in partial mode", () => {
    expect(diffValues({ a: 1 }, { a: 1, extra: true }, { partial: false })).toEqual([{ path: "/extra", expected: undefined, actual: true }]);
    expect(diffValues({ a: 1 }, { a: 1, extra: true }, { partial: true })).toEqual([]);
  });

  it("reports a missing key with an undefined actual", () => {
    expect(diffValues({ a: 1 }, {}, { partial: true })).toEqual([{ path: "/a", expected: 1, actual: undefined }]);
  });

  it("compares arrays by length and element, even in partial mode", () => {
    expect(diffValues({ a: [1, 2] }, { a: [1] }, { partial: true })).toEqual([{ path: "/a", expected: [1, 2], actual: [1] }]);
  });

  it('tells 87 from "87"', () => {
    expect(diffValues(87, "87", { partial: false })).toEqual([{ path: "/", expected: 87, actual: "87" }]);
  });

  it("escapes / and ~ in keys", () => {
    expect(diffValues({ "a/b~c": 1 }, { "a/b~c": 2 }, { partial: false })[0]?.path).toBe("/a~1b~0c");
  });

  it("stops at the limit", () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    expect(diffValues(many, {}, { partial: false, limit: 5 })).toHaveLength(5);
  });
});

describe("showValue", () => {
  it("quotes strings, marks missing values and truncates long ones", () => {
    expect(showValue("87")).toBe('"87"');
    expect(showValue(undefined)).toBe("(missing)");
    expect(showValue("x".repeat(200), 10)).toHaveLength(10);
  });
});
