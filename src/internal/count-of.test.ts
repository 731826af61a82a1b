import { describe, expect, it } from "vitest";
import { countOf } from "./count-of.js";

describe("countOf", () => {
  it.each([
    [0, "0 cases"],
    [1, "1 case"],
    [2, "2 cases"],
    [1000, "1000 cases"],
  ])("says %i as %s", (count, words) => {
    expect(countOf(count, "case")).toBe(words);
  });
});
