import { describe, expect, it } from "vitest";
import { createPositionFinder } from "./template-positions.js";

describe("createPositionFinder", () => {
  it("places a template line:column inside a JSON string, counting its escapes", () => {
    const text = '{\n  "config": {\n    "request": { "requestTemplate": "{\\n  \\"a\\": \\"\\u00e9${input.x}\\"\\n}" }\n  }\n}';
    const find = createPositionFinder(text);
    // Template line 2 is `  "a": "é${input.x}"`; the reference starts at its column 10.
    const at = find(["config", "request", "requestTemplate"], 2, 10);
    const line = text.split("\n")[(at?.line ?? 0) - 1] ?? "";
    expect(line.slice((at?.column ?? 0) - 1)).toMatch(/^\$\{input\.x\}/);
  });

  it("gives the key for a path without a template place, and the nearest key for a path not in the file", () => {
    const text = '{\n  "config": {\n    "request": {\n      "requestType": "POST"\n    }\n  }\n}';
    const find = createPositionFinder(text);
    expect(find(["config", "request", "requestType"])).toEqual({ line: 4, column: 7 });
    expect(find(["config", "request", "requestTemplate"], 1, 1)).toEqual({ line: 3, column: 5 });
    expect(find(["nothing"])).toBeUndefined();
  });

  it("counts template lines split by CRLF as the renderer does, and file lines of a CRLF file", () => {
    const text = '{\r\n  "t": "a\\r\\nb ${x}"\r\n}';
    expect(createPositionFinder(text)(["t"], 2, 3)).toEqual({ line: 2, column: 16 });
  });

  it("gives no positions for text that is not JSON", () => {
    expect(createPositionFinder("not json")(["a"])).toBeUndefined();
  });
});
