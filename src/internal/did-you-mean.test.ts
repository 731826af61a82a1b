// Unit tests of "did you mean": typos found, and no suggestion where a name is merely short.
import { describe, expect, it } from "vitest";
import { closestName, didYouMean, meant } from "./did-you-mean.js";

const KEYWORDS = ["$ref", "id", "not", "type", "enum", "required", "minLength", "maximum", "oneOf", "additionalProperties"];

describe("closestName", () => {
  it("finds the keyword a typo was meant to be, in any case", () => {
    const pairs = [
      ["minLenght", "minLength"],
      ["tpye", "type"],
      ["enmu", "enum"],
      ["requierd", "required"],
      ["maximun", "maximum"],
      ["oneof", "oneOf"],
      ["REQUIRED", "required"],
      ["additionalProperty", "additionalProperties"],
      ["ref", "$ref"],
      ["idd", "id"],
    ];
    for (const [typo, meant] of pairs) expect(closestName(typo!, KEYWORDS), typo).toBe(meant);
  });

  it("suggests nothing for a short name two edits from a keyword: an empty key is not 'id', 'foo' is not 'not'", () => {
    for (const name of ["", "a", "x", "ab", "foo", "src"]) expect(closestName(name, KEYWORDS), name).toBeUndefined();
    expect(didYouMean("foo", KEYWORDS)).toBe("");
  });
});

describe("meant", () => {
  it("names the characters that are not ASCII when a typo looks exactly like its suggestion (a Cyrillic е, a zero-width space)", () => {
    expect(meant("minL\u0435ngth", "minLength")).toBe('did you mean "minLength"? It holds U+0435, which is not ASCII: retype it');
    expect(didYouMean("type\u200b", ["type", "enum"])).toBe(' (did you mean "type"? It holds U+200B, which is not ASCII: retype it)');
    expect(meant("minLenght", "minLength")).toBe('did you mean "minLength"?');
  });
});
