import { describe, expect, it } from "vitest";
import { assertJsonData, toJsonOutput } from "./json-output.js";

function codeAndMessage(value: unknown): { code: unknown; message: string } {
  try {
    toJsonOutput(value);
  } catch (error) {
    return { code: (error as { code?: unknown }).code, message: (error as Error).message };
  }
  throw new Error("expected toJsonOutput to throw");
}

describe("toJsonOutput", () => {
  it("returns plain JSON data as an equal copy", () => {
    const value = { a: [1, "x", null, true, { b: 2 }], c: Object.create(null) as object };
    const copy = toJsonOutput(value);
    expect(copy).toEqual(value);
    expect(copy).not.toBe(value);
  });

  it("reads a getter once: what is validated is what leaves (regression: a getter grew to 50 MB after the check)", () => {
    let reads = 0;
    const value = {
      get big() {
        reads++;
        return reads > 1 ? "y".repeat(50_000_000) : "small";
      },
    };
    const copy = toJsonOutput(value, 32768);
    expect(JSON.stringify(copy)).toBe('{"big":"small"}');
    expect(reads).toBe(1);
  });

  it("keeps a __proto__ key as data, not as the copy's prototype", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = toJsonOutput(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(JSON.stringify(copy)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it("drops properties whose value is undefined, as JSON does", () => {
    expect(toJsonOutput({ a: 1, b: undefined, c: { d: undefined } })).toEqual({ a: 1, c: {} });
  });

  it.each([
    ["undefined", undefined, /the transform returned undefined/],
    ["a function", () => 1, /the transform returned a function/],
    ["a BigInt", { n: 10n }, /output \/n is a BigInt \(10n\)/],
    ["NaN", { score: Number.NaN }, /output \/score is NaN/],
    ["a Date", { at: new Date(0) }, /output \/at is a Date/],
    ["a Map", [new Map()], /output \/0 is a Map/],
    ["a class instance", { x: new (class Record {})() }, /output \/x is an instance of Record/],
    ["a symbol", { s: Symbol("s") }, /output \/s is a symbol/],
    ["an undefined array item", [1, undefined], /output \/1 is undefined/],
  ])("rejects %s with E_OUTPUT and its path", (_label, value, message) => {
    const fault = codeAndMessage(value);
    expect(fault.code).toBe("E_OUTPUT");
    expect(fault.message).toMatch(message);
  });

  it("rejects a cycle and names where it closes", () => {
    const record: Record<string, unknown> = { a: { b: {} } };
    (record.a as { b: Record<string, unknown> }).b.back = record;
    const fault = codeAndMessage(record);
    expect(fault.message).toMatch(/output \/a\/b\/back is a reference back to one of its own parents/);
  });

  it("accepts the same object twice when it is shared, not cyclic", () => {
    const shared = { x: 1 };
    expect(toJsonOutput({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });
});

describe("toJsonOutput with a size limit", () => {
  it("passes an output within the limit without changing it", () => {
    const value = { note: "é".repeat(100) };
    expect(toJsonOutput(value, 1000)).toEqual(value);
  });

  it("refuses an output whose JSON is over the limit, in UTF-8 bytes", () => {
    // 300 "é" are 600 bytes of UTF-8 but 300 characters: a character count would let this through.
    const fault = (() => {
      try {
        toJsonOutput({ note: "é".repeat(300) }, 500);
      } catch (error) {
        return error as { code?: unknown; message: string };
      }
      throw new Error("expected E_OUTPUT");
    })();
    expect(fault.code).toBe("E_OUTPUT");
    expect(fault.message).toMatch(/the output is 611 bytes of JSON, over the 500-byte limit/);
  });

  it("writes a hole in an array as null, as JSON does, but refuses an explicit undefined", () => {
    const sparse: string[] = [];
    sparse[2] = "x";
    expect(toJsonOutput({ list: sparse })).toEqual({ list: [null, null, "x"] });
    expect(codeAndMessage({ list: [undefined, "x"] }).message).toMatch(/output \/list\/0 is undefined/);
  });
});

describe("toJsonOutput on huge arrays", () => {
  it("refuses an array too long for the limit before walking it, even when it is all holes", () => {
    const huge: string[] = [];
    huge[100_000_000] = "x";
    expect(() => toJsonOutput({ a: huge }, 32768)).toThrow(/the output holds an array of 100000001 items at \/a, over the 32768-byte limit of JSON/);
  });

  it("refuses a string longer than the limit where it stands, without serialising the output", () => {
    const stringify = JSON.stringify;
    let serialised = 0;
    JSON.stringify = ((...args: Parameters<typeof stringify>) => {
      serialised++;
      return stringify(...args);
    }) as typeof JSON.stringify;
    try {
      expect(() => toJsonOutput({ ok: "x", deep: [{ blob: "y".repeat(100_000) }] }, 32768)).toThrow(
        /a string of 100000 characters at \/deep\/0\/blob, over the 32768-byte limit/,
      );
    } finally {
      JSON.stringify = stringify;
    }
    expect(serialised).toBe(0);
  });

  it("stops at the limit when many small strings and keys add up past it", () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`key${i}`, "value"]));
    expect(() => toJsonOutput(wide, 32768)).toThrow(/over the 32768-byte limit/);
  });
});

describe("assertJsonData", () => {
  it("refuses variables too large to be settings, without walking them", () => {
    expect(() => assertJsonData({ list: new Array(1_000_000_000) }, "vars")).toThrow(
      /vars are more than 16777216 bytes of JSON \(an array of 1000000000 items at \/list\)/,
    );
  });

  it("accepts JSON data and names the first place that is not, for the value it was told it checks", () => {
    expect(() => assertJsonData({ region: "eu", limits: [1, 2], note: undefined }, "vars")).not.toThrow();
    expect(() => assertJsonData({ since: new Date(0) }, "vars")).toThrow(/^vars \/since is a Date; vars reach the transform as JSON data/);
    expect(() => assertJsonData({ pattern: /x/ }, "vars")).toThrow(/vars \/pattern is an instance of RegExp/);
  });
});
