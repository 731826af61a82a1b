import { describe, expect, it } from "vitest";
import { stableStringify } from "./stable-json.js";

describe("stableStringify", () => {
  it("gives the same string whatever the key order", () => {
    expect(stableStringify({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(stableStringify({ a: { c: [3, { e: 0, f: 1 }], d: 2 }, b: 1 }));
  });

  it("keeps array order significant", () => {
    expect(stableStringify([1, 2])).not.toBe(stableStringify([2, 1]));
  });

  it("keeps a literal __proto__ key as data", () => {
    const parsed = JSON.parse('{"__proto__": {"x": 1}, "a": 1}') as unknown;
    expect(stableStringify(parsed)).toBe('{"__proto__":{"x":1},"a":1}');
  });
});
