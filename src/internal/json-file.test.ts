import { describe, expect, it } from "vitest";
import { parseJsonText, positionOf } from "./json-file.js";

function faultOf(text: string): string {
  try {
    parseJsonText(text, "f.json", "E_CASE");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected a parse error");
}

describe("parseJsonText", () => {
  it("parses JSON and ignores a byte-order mark", () => {
    expect(parseJsonText('\uFEFF{"a":1}', "f.json", "E_CASE")).toEqual({ a: 1 });
  });

  it.each([
    ['{\n  "a": 1,\n}', "f.json:3:1:"],
    ['{\n  "a": tru\n}', "f.json:2:11:"],
    ["[1,\n 2,]", "f.json:2:4:"],
    ['{"a": 1}x', "f.json:1:9:"],
    ['{\n  "a": "open', "f.json:2:13:"],
  ])("names line and column for %j", (text, where) => {
    expect(faultOf(text)).toMatch(new RegExp(`^${where.replace(/\./g, "\\.")} malformed JSON`));
  });

  it("says an empty file is empty", () => {
    expect(faultOf("  \n")).toBe("f.json: the file is empty; expected a JSON document");
  });

  it("counts lines from 1 and columns from 1", () => {
    expect(positionOf("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });
});
