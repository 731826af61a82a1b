import { describe, expect, it } from "vitest";
import { decodeUtf8, parseJsonText, positionOf } from "./json-file.js";

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

describe("decodeUtf8", () => {
  function faultOf(bytes: Uint8Array): { code?: string; message: string } {
    try {
      decodeUtf8(bytes, "f.json", "E_CASE");
    } catch (error) {
      return error as { code?: string; message: string };
    }
    throw new Error("expected a decoding error");
  }

  it("reads UTF-8 as readFile does, keeping a byte-order mark and multi-byte characters", () => {
    expect(decodeUtf8(Buffer.from('\uFEFF{"a":"é€😀"}', "utf8"), "f.json", "E_CASE")).toBe('\uFEFF{"a":"é€😀"}');
  });

  it("refuses Latin-1 text at the line:column of its first byte that is not UTF-8, instead of a silent U+FFFD", () => {
    const fault = faultOf(Buffer.from('{\n  "name": "café"\n}', "latin1"));
    expect(fault.code).toBe("E_CASE");
    expect(fault.message).toMatch(/^f\.json:2:15: not UTF-8: byte 0xE9 cannot be read as UTF-8 text .*save it as UTF-8/);
  });

  it("counts columns after a byte-order mark and after valid multi-byte characters", () => {
    const bytes = Buffer.concat([Buffer.from('\uFEFF["€", "', "utf8"), Buffer.from([0xff]), Buffer.from('"]', "utf8")]);
    expect(faultOf(bytes).message).toMatch(/^f\.json:1:8: not UTF-8: byte 0xFF/);
  });

  it("names a UTF-16 file as such, from its byte-order mark", () => {
    for (const bytes of [Buffer.from('\uFEFF{"a":1}', "utf16le"), Buffer.from([0xfe, 0xff, 0, 0x7b, 0, 0x7d])]) {
      expect(faultOf(bytes).message).toBe(
        "f.json: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8 (in most editors: Save with Encoding, UTF-8)",
      );
    }
  });
});
