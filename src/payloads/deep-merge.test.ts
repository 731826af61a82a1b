import { describe, expect, it } from "vitest";
import { deepMerge, isPlainObject } from "./deep-merge.js";

describe("deepMerge", () => {
  it("merges objects key by key and replaces arrays and scalars", () => {
    expect(deepMerge({ a: { b: 1, c: 2 }, t: [1, 2], s: "x" }, { a: { c: 3 }, t: [9], s: 5 })).toEqual({ a: { b: 1, c: 3 }, t: [9], s: 5 });
  });

  it("replaces a scalar with an object", () => {
    expect(deepMerge({ a: 1 }, { a: { b: 2 } })).toEqual({ a: { b: 2 } });
  });

  it("checks keys nested inside an object that replaces a scalar", () => {
    const overrides = JSON.parse('{"a": {"b": {"constructor": {}}}}') as Record<string, unknown>;
    expect(() => deepMerge({ a: 1 }, overrides)).toThrow(/"a.b.constructor"/);
  });
});

describe("isPlainObject", () => {
  it("accepts object literals and null-prototype objects only", () => {
    expect(isPlainObject({})).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Date())).toBe(false);
  });
});
