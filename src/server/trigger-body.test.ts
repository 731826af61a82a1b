import { describe, expect, it } from "vitest";
import { parseTrigger, refuseContentType } from "./trigger-body.js";

describe("refuseContentType", () => {
  it("accepts application/json and +json types, with no charset or a UTF-8 one", () => {
    for (const type of ["application/json", "Application/JSON; charset=UTF-8", 'application/json; charset="utf8"', "application/vnd.cxone+json"]) {
      expect({ type, refused: refuseContentType(type) }).toEqual({ type, refused: undefined });
    }
  });

  it("refuses another type, no type at all, and another charset with 415 unsupported_media_type naming what came", () => {
    expect(refuseContentType("text/plain")).toEqual({
      status: 415,
      body: { error: { code: "unsupported_media_type", message: "the trigger payload must be sent as application/json in UTF-8, got text/plain" } },
    });
    expect(refuseContentType(undefined)?.body).toMatchObject({ error: { message: expect.stringContaining("got no content-type") } });
    expect(refuseContentType("application/json; charset=latin1")?.body).toMatchObject({
      error: { message: expect.stringContaining("got charset latin1") },
    });
  });
});

describe("parseTrigger", () => {
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

  it("gives the trigger of a body holding a JSON object", () => {
    expect(parseTrigger(bytes('{"a":[1,2]}'))).toEqual({ ok: true, trigger: { a: [1, 2] } });
  });

  it("refuses bytes that are not UTF-8", () => {
    expect(parseTrigger(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))).toEqual({
      ok: false,
      reply: { status: 400, body: { error: { code: "bad_request", message: "the body is not valid UTF-8" } } },
    });
  });

  it("refuses malformed JSON with its line and column", () => {
    const parsed = parseTrigger(bytes('{\n  "a": 1,\n  oops\n}'));
    expect(parsed).toMatchObject({ ok: false, reply: { status: 400, body: { error: { code: "bad_request", line: 3, column: 3 } } } });
  });

  it("refuses JSON that is not an object, saying what it is", () => {
    const kinds: Array<[string, string]> = [
      ["null", "null"],
      ["[]", "an array"],
      ["7", "a number"],
      ['"x"', "a string"],
    ];
    for (const [text, kind] of kinds) {
      expect(parseTrigger(bytes(text))).toEqual({
        ok: false,
        reply: { status: 400, body: { error: { code: "bad_request", message: `the body must be the trigger payload, a JSON object; got ${kind}` } } },
      });
    }
  });
});
