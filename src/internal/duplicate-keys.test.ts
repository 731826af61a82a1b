import { describe, expect, it } from "vitest";
import { duplicateKeys, refuseDuplicateKeys } from "./duplicate-keys.js";

describe("duplicateKeys", () => {
  it("finds a key written twice in one object, with its path and where the second starts", () => {
    const text = '{\n  "schema": {\n    "output": { "type": "object", "properties": {}, "properties": { "a": {} } }\n  }\n}';
    expect(duplicateKeys(text)).toEqual([{ path: "schema/output/properties", key: "properties", line: 3, column: 53 }]);
  });

  it("does not mix up the same key in different objects, or in objects of one array", () => {
    expect(duplicateKeys('{"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 1}, {"x": 2}]}')).toEqual([]);
  });

  it("names array elements by index, and reads keys that are escaped", () => {
    expect(duplicateKeys('[{"n": 1}, {"n": 1, "\\u006e": 2}]')).toEqual([{ path: "1/n", key: "n", line: 1, column: 21 }]);
  });

  it("treats a string value as a value, not as a key", () => {
    expect(duplicateKeys('{"a": "b", "c": "a"}')).toEqual([]);
  });

  it("does not count a byte-order mark, and survives a document nested 20,000 levels deep", () => {
    expect(duplicateKeys('\ufeff{"a": 1, "a": 2}')).toEqual([{ path: "a", key: "a", line: 1, column: 10 }]);
    const deep = `${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`;
    expect(duplicateKeys(deep)).toEqual([]);
  });
});

describe("refuseDuplicateKeys", () => {
  it("names the file, the first duplicate's place and path, and how many more there are", () => {
    expect(() => refuseDuplicateKeys('{"a": 1, "a": 2, "b": {"c": 1, "c": 2}}', "trigger.json", "E_CASE")).toThrow(
      /^trigger\.json:1:10: a: the key "a" appears twice in one object \(and 1 more\): JSON keeps only the last/,
    );
    expect(() => refuseDuplicateKeys('{"a": 1}', "trigger.json", "E_CASE")).not.toThrow();
  });
});
