import { describe, expect, it } from "vitest";
import { jsonPositions } from "./json-locations.js";

describe("jsonPositions", () => {
  const text = '{\n  "a": {\n    "b/c": [1, { "d": true }]\n  },\n  "e": 1\n}\n';

  it("gives the line and column of the key a path ends at", () => {
    expect(jsonPositions(text, ["e", "a"])).toEqual(
      new Map([
        ["e", { line: 5, column: 3 }],
        ["a", { line: 2, column: 3 }],
      ]),
    );
  });

  it("reads JSON Pointer escapes and array indexes", () => {
    expect(jsonPositions(text, ["a/b~1c/1/d"]).get("a/b~1c/1/d")).toEqual({ line: 3, column: 18 });
    expect(jsonPositions(text, ["a/b~1c/0"]).get("a/b~1c/0")).toEqual({ line: 3, column: 13 });
  });

  it("has no position for a path that is not in the text", () => {
    expect(jsonPositions(text, ["a/x", "e/f", "a/b~1c/9"]).size).toBe(0);
  });

  it("counts neither a byte-order mark nor the CR of a CRLF line", () => {
    const crlf = `\uFEFF${text.replace(/\n/g, "\r\n")}`;
    expect(jsonPositions(crlf, ["a/b~1c/1/d"]).get("a/b~1c/1/d")).toEqual({ line: 3, column: 18 });
  });
});

describe("jsonPositions on a file nested deeper than the stack", () => {
  it("gives no positions instead of throwing", () => {
    const deep = `{"a": ${'{"b": '.repeat(100_000)}1${"}".repeat(100_000)}}`;
    expect(jsonPositions(deep, ["a"]).size).toBe(0);
  });
});
