import { describe, expect, it } from "vitest";
import { isJsonData } from "./json-data.js";

describe("isJsonData", () => {
  it.each<[string, unknown]>([
    ["null", null],
    ["a string", "x"],
    ["a number", 1.5],
    ["a boolean", false],
    ["nested objects and arrays", { a: [1, { b: "c" }], d: null }],
    ["an object without a prototype", Object.assign(Object.create(null) as object, { a: 1 })],
    ["a __proto__ key read from JSON", JSON.parse('{"__proto__":{"x":1}}')],
  ])("accepts %s", (_name, value) => {
    expect(isJsonData(value)).toBe(true);
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["an undefined property", { a: undefined }],
    ["NaN", Number.NaN],
    ["Infinity", [Infinity]],
    ["a BigInt", 1n],
    ["a function", { f: () => 1 }],
    ["a Date", { at: new Date(0) }],
    ["a Map", new Map()],
    ["a class instance", new (class Point {})()],
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point
    ["an array with a hole", [1, , 3]],
    ["a cycle", cyclic],
  ])("refuses %s", (_name, value) => {
    expect(isJsonData(value)).toBe(false);
  });
});
