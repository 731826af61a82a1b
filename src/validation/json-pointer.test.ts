import { describe, expect, it } from "vitest";
import { escapePointerSegment, valueAtPointer } from "./json-pointer.js";

describe("json pointer helpers", () => {
  it("escapes ~ and / in member names", () => {
    expect(escapePointerSegment("a~b/c")).toBe("a~0b~1c");
  });

  it("reads nested values, array items and escaped names", () => {
    const doc = { a: [{ b: 1 }], "x/y": { "~": 2 } };
    expect(valueAtPointer(doc, "")).toBe(doc);
    expect(valueAtPointer(doc, "/a/0/b")).toBe(1);
    expect(valueAtPointer(doc, "/x~1y/~0")).toBe(2);
  });

  it("returns undefined for missing members and inherited properties", () => {
    expect(valueAtPointer({ a: 1 }, "/b")).toBeUndefined();
    expect(valueAtPointer({ a: 1 }, "/a/b")).toBeUndefined();
    expect(valueAtPointer({}, "/toString")).toBeUndefined();
    expect(valueAtPointer([1], "/01")).toBeUndefined();
  });
});
