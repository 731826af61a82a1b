import { describe, expect, it } from "vitest";
import { escapeControls } from "./control-characters.js";

describe("escapeControls", () => {
  it("shows CSI, OSC and hyperlink sequences as text", () => {
    expect(escapeControls("a\u001b[2Jb")).toBe("a\\u001b[2Jb");
    expect(escapeControls("\u001b]0;pwned\u0007")).toBe("\\u001b]0;pwned\\u0007");
    expect(escapeControls("\u001b]8;;https://x.test\u001b\\link\u001b]8;;\u001b\\")).toBe(
      "\\u001b]8;;https://x.test\\u001b\\link\\u001b]8;;\\u001b\\",
    );
  });

  it("shows C1 controls, DEL, backspace and every other C0 control", () => {
    expect(escapeControls("\u009b2J")).toBe("\\u009b2J");
    expect(escapeControls("\u0085\u009d\u007f")).toBe("\\u0085\\u009d\\u007f");
    expect(escapeControls("secret\b\b\b\b\b\bpublic")).toBe("secret\\u0008\\u0008\\u0008\\u0008\\u0008\\u0008public");
    expect(escapeControls("\u0000\u000b\u000c\u001f")).toBe("\\u0000\\u000b\\u000c\\u001f");
    const shown = escapeControls(String.fromCharCode(...Array.from({ length: 0xa0 }, (_, i) => i)));
    expect([...shown].filter((c) => c.charCodeAt(0) < 0x20 || (c.charCodeAt(0) >= 0x7f && c.charCodeAt(0) < 0xa0))).toEqual(["\t", "\n"]);
  });

  it("shows a bare carriage return that would overwrite the line, and keeps a CRLF line ending", () => {
    expect(escapeControls("passed\rFAILED")).toBe("passed\\u000dFAILED");
    expect(escapeControls("one\r\ntwo\r")).toBe("one\r\ntwo\\u000d");
  });

  it("leaves newlines, tabs, other Unicode and plain text as they are, and is idempotent", () => {
    const plain = "line one\n\tline two › ✓ é 日本 😀 \\u001b";
    expect(escapeControls(plain)).toBe(plain);
    const once = escapeControls("x\u001b[31my\u009b");
    expect(escapeControls(once)).toBe(once);
  });

  it("keeps JSON text valid and its data exact", () => {
    const data = { name: "\u001b[2J\u009b\u007f\r", nested: ["\u0007"] };
    const text = escapeControls(JSON.stringify(data, null, 2));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/); // eslint-disable-line no-control-regex
    expect(JSON.parse(text)).toEqual(data);
  });

  it("keeps the sequences it is told to keep, and only those", () => {
    const keep = /\u001b\[(?:31|39)m/g; // eslint-disable-line no-control-regex
    expect(escapeControls("\u001b[31mred\u001b[39m \u001b[2J", keep)).toBe("\u001b[31mred\u001b[39m \\u001b[2J");
    // A second call with the same global expression starts from the beginning again.
    expect(escapeControls("\u001b[31mred\u001b[39m \u001b[2J", keep)).toBe("\u001b[31mred\u001b[39m \\u001b[2J");
  });

  it("shows bidirectional controls, which would reorder the rest of the line", () => {
    expect(escapeControls("ok \u202Eliaf\u202C done \u2066x\u2069")).toBe("ok \\u202eliaf\\u202c done \\u2066x\\u2069");
  });
});
