import { describe, expect, it } from "vitest";
import { patternSampler, type LengthRange } from "./pattern-sampler.js";
import { createRandom } from "./random.js";

const ANY_LENGTH: LengthRange = { min: 0, max: undefined };

/** `count` samples of `pattern` in `range`, one seeded stream each (`undefined` kept: the sampler may give up). */
function samples(pattern: string, range: LengthRange = ANY_LENGTH, count = 60): Array<string | undefined> {
  const sampler = patternSampler(pattern);
  return Array.from({ length: count }, (_, i) => sampler.sample(createRandom(`pattern-test\u0000${i}`), range));
}

/** Like {@link samples}, and every one of them found. */
function found(pattern: string, range: LengthRange = ANY_LENGTH, count = 60): string[] {
  const out = samples(pattern, range, count);
  expect(out.filter((s) => s === undefined).length, `samples of ${pattern} that were not found`).toBe(0);
  return out as string[];
}

/** Length in code points, as minLength and maxLength count it. */
function lengthOf(value: string): number {
  return [...value].length;
}

/** The distinct code points of all `values`. */
function charactersOf(values: readonly string[]): Set<string> {
  return new Set(values.flatMap((v) => [...v]));
}

describe("patternSampler: what it draws", () => {
  it("builds literals around a class and a fixed count: ^CUST-[0-9]{4}$ gives CUST- and four digits", () => {
    for (const value of found("^CUST-[0-9]{4}$")) expect(value).toMatch(/^CUST-\d{4}$/);
  });

  it("draws only the characters of a class, and every one of a small class over enough samples", () => {
    const values = found("^[a-c]{5}$");
    for (const value of values) expect(value).toMatch(/^[abc]{5}$/);
    expect([...charactersOf(values)].sort()).toEqual(["a", "b", "c"]);
  });

  it("draws outside a negated class, from printable ASCII and a few non-ASCII letters", () => {
    const values = found("^[^a-z0-9]{8}$");
    for (const value of values) expect(value).toMatch(/^[^a-z0-9]{8}$/u);
    const drawn = charactersOf(values);
    expect([...drawn].some((c) => c.codePointAt(0)! > 0x7f)).toBe(true);
    expect([...drawn].every((c) => c === "\t" || (c >= " " && c <= "~") || "éñßЖ中€".includes(c))).toBe(true);
    expect([...charactersOf(found("^[^\\x00-\\x7f]{6}$"))].sort()).toEqual(["ß", "é", "ñ", "Ж", "€", "中"]);
  });

  it("reads \\d, \\w and \\s as digits, word characters and the space or tab", () => {
    for (const value of found("^\\d{6}$")) expect(value).toMatch(/^[0-9]{6}$/);
    for (const value of found("^\\w{6}$")) expect(value).toMatch(/^[A-Za-z0-9_]{6}$/);
    expect([...charactersOf(found("^\\s{4}$"))].sort()).toEqual(["\t", " "]);
    for (const value of found("^[\\d_]{6}$")) expect(value).toMatch(/^[0-9_]{6}$/);
  });

  it("prefers letters and digits when a class allows them, but still draws the rest", () => {
    const characters = found("^[a!]{10}$").join("");
    const bangs = characters.split("").filter((c) => c === "!").length;
    expect(bangs).toBeGreaterThan(0);
    expect(bangs).toBeLessThan(characters.length * 0.2);
  });

  it("draws from wide ranges, astral ones included, counting length in code points", () => {
    const cjk = found("^[\\u4e00-\\u9fff]{3}$");
    for (const value of cjk) expect(value).toMatch(/^[\u4e00-\u9fff]{3}$/);
    // A range wider than 128 is drawn from 64 code points spread over it; a narrower one from all of its own.
    expect(charactersOf(cjk).size).toBeGreaterThan(20);
    expect(charactersOf(cjk).size).toBeLessThanOrEqual(64);
    expect(charactersOf(found("^[\\u0100-\\u0163]{20}$")).size).toBe(100);
    const emoji = found("^[\\u{1F600}-\\u{1F64F}]{2}$", { min: 2, max: 2 });
    for (const value of emoji) {
      expect(value).toMatch(/^[\u{1F600}-\u{1F64F}]{2}$/u);
      expect([value.length, lengthOf(value)]).toEqual([4, 2]);
    }
  });

  it("reads \\p{…} and \\P{…} property escapes and . over its pool", () => {
    const letters = found("^\\p{Lu}{4}$");
    for (const value of letters) expect(value).toMatch(/^\p{Lu}{4}$/u);
    for (const value of found("^\\P{L}{4}$")) expect(value).toMatch(/^\P{L}{4}$/u);
    for (const value of found("^.{5}$")) expect(value).toMatch(/^.{5}$/u);
  });

  it("reads escapes as the characters they stand for", () => {
    expect(found("^\\x41\\u0042\\u{43}\\.\\/\\t\\n$", ANY_LENGTH, 3)).toEqual(Array(3).fill("ABC./\t\n"));
    expect(found("^\\cJ\\cj\\cI$", ANY_LENGTH, 2)).toEqual(["\n\n\t", "\n\n\t"]);
    expect(found("^[\\x41-\\x43\\n]{4}$").every((v) => /^[A-C\n]{4}$/.test(v))).toBe(true);
  });

  it("copies non-ASCII literals as they are", () => {
    expect(found("^é中😀$", ANY_LENGTH, 2)).toEqual(["é中😀", "é中😀"]);
  });

  it("chooses among alternatives, each of them over enough samples, and nothing else", () => {
    const values = found("^(cat|dog|bird)$");
    expect([...new Set(values)].sort()).toEqual(["bird", "cat", "dog"]);
    expect(new Set(found("^(?:a|bc|)$"))).toEqual(new Set(["a", "bc", ""]));
  });

  it("repeats as quantifiers ask: ?, *, +, {n}, {n,} and {n,m}, lazy or not", () => {
    expect(new Set(found("^ab?$"))).toEqual(new Set(["a", "ab"]));
    expect(found("^x{3}$", ANY_LENGTH, 3)).toEqual(["xxx", "xxx", "xxx"]);
    for (const value of found("^x{2,4}$")) expect(value).toMatch(/^x{2,4}$/);
    expect(new Set(found("^x{2,4}$").map(lengthOf))).toEqual(new Set([2, 3, 4]));
    for (const value of found("^x{5,}$")) expect(lengthOf(value)).toBeGreaterThanOrEqual(5);
    for (const pattern of ["^x*$", "^x+$", "^x+?$", "^x*?$"]) for (const value of found(pattern)) expect(value).toMatch(new RegExp(pattern));
    expect(found("^x+$").every((v) => v.length >= 1)).toBe(true);
    expect(found("^x*$").some((v) => v === "")).toBe(true);
  });

  it("reads capturing, non-capturing and named groups, with quantifiers on the group", () => {
    for (const value of found("^(ab)+c?$")) expect(value).toMatch(/^(ab)+c?$/);
    for (const value of found("^(?<year>\\d{4})-(?:0[1-9]|1[0-2])$")) expect(value).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
  });

  it("pads an unanchored pattern with letters to reach minLength, on either side", () => {
    const values = found("\\d{3}", { min: 8, max: 8 });
    for (const value of values) {
      expect(value).toMatch(/^([a-z]*)\d{3}([a-z]*)$/);
      expect(lengthOf(value)).toBe(8);
    }
    expect(values.some((v) => /^\d/.test(v)) && values.some((v) => /\d$/.test(v))).toBe(true);
  });
});

describe("patternSampler: anchors, boundaries and lookarounds", () => {
  it("gives up (undefined) when an anchored pattern cannot reach minLength, rather than pad it", () => {
    expect(samples("^\\d{3}$", { min: 8, max: undefined }, 5)).toEqual(Array(5).fill(undefined));
  });

  it("checks \\b and lookaheads on the finished string, so every sample honours them", () => {
    const noLeadingZero = found("^(?!0)\\d{3}$");
    for (const value of noLeadingZero) expect(value).toMatch(/^[1-9]\d{2}$/);
    expect(found("\\bid\\b", ANY_LENGTH, 3)).toEqual(["id", "id", "id"]);
    const withDigit = samples("^(?=.*\\d)[a-z0-9]{6}$").filter((v) => v !== undefined);
    expect(withDigit.length).toBeGreaterThan(30);
    for (const value of withDigit) expect(value).toMatch(/^(?=.*\d)[a-z0-9]{6}$/);
  });

  it("returns undefined, never a wrong string, for lookarounds it cannot honour", () => {
    expect(samples("^(?=x)y$", ANY_LENGTH, 5)).toEqual(Array(5).fill(undefined));
    expect(samples("^(?<=a)b$", ANY_LENGTH, 5)).toEqual(Array(5).fill(undefined));
    expect(samples("^\\bé$", ANY_LENGTH, 5)).toEqual(Array(5).fill(undefined));
    // Padding is made of letters, so a word boundary at the edge of a padded string is lost.
    expect(samples("\\bid\\b", { min: 4, max: 6 }, 5)).toEqual(Array(5).fill(undefined));
  });

  it("returns undefined for a pattern that matches nothing", () => {
    expect(samples("^[]$", ANY_LENGTH, 3)).toEqual([undefined, undefined, undefined]);
    expect(samples("a[]", { min: 5, max: 10 }, 3)).toEqual([undefined, undefined, undefined]);
  });

  it("tests as ajv does: unanchored, in u mode", () => {
    const sampler = patternSampler("CUST-\\d{4}");
    expect(sampler.test("order CUST-1234 ok")).toBe(true);
    expect(sampler.test("CUST-12")).toBe(false);
    expect(patternSampler("^.$").test("😀")).toBe(true);
    expect(sampler.pattern).toBe("CUST-\\d{4}");
  });
});

describe("patternSampler: the bounds it applies", () => {
  it("keeps every sample's length inside minLength and maxLength", () => {
    for (const value of found("^[a-z]+$", { min: 5, max: 8 })) {
      expect(value).toMatch(/^[a-z]+$/);
      expect(lengthOf(value)).toBeGreaterThanOrEqual(5);
      expect(lengthOf(value)).toBeLessThanOrEqual(8);
    }
    expect(new Set(found("^[a-z]+$", { min: 5, max: 8 }).map(lengthOf))).toEqual(new Set([5, 6, 7, 8]));
  });

  it("plans lengths across the parts, so a tight range is met exactly", () => {
    for (const value of found("^[A-Z]{2}-\\d{3,5}(-[a-z]+)?$", { min: 12, max: 12 })) {
      expect(value).toMatch(/^[A-Z]{2}-\d{3,5}-[a-z]+$/);
      expect(lengthOf(value)).toBe(12);
    }
  });

  it("returns undefined when the range is empty or out of the pattern's reach", () => {
    expect(samples("^[a-z]+$", { min: 5, max: 4 }, 2)).toEqual([undefined, undefined]);
    expect(samples("^\\d{3}$", { min: 0, max: 2 }, 2)).toEqual([undefined, undefined]);
    expect(samples("^(ab)+$", { min: 3, max: 3 }, 2)).toEqual([undefined, undefined]);
  });

  it("grows an unbounded pattern at most 24 characters past its shortest form, favouring short strings", () => {
    const lengths = found("^\\d+$", ANY_LENGTH, 200).map(lengthOf);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(25);
    expect(lengths.filter((n) => n <= 12).length).toBeGreaterThan(lengths.length * 0.6);
    const fromMinimum = found("^\\d+$", { min: 30, max: undefined }).map(lengthOf);
    expect(Math.min(...fromMinimum)).toBeGreaterThanOrEqual(30);
    expect(Math.max(...fromMinimum)).toBeLessThanOrEqual(54);
  });

  it("builds strings of up to 4096 characters and no longer", () => {
    const [longest] = found("^x+$", { min: 4096, max: undefined }, 1);
    expect(longest).toBe("x".repeat(4096));
    expect(samples("^x+$", { min: 4097, max: undefined }, 1)).toEqual([undefined]);
    expect(lengthOf(found("^x+$", { min: 4000, max: 9000 }, 1)[0]!)).toBeLessThanOrEqual(4096);
  });
});

describe("patternSampler: determinism", () => {
  it("draws the same strings for the same seed, on every run", () => {
    const sampler = patternSampler("^[A-Z]{2}-\\d{3,5}(-[a-z]+)?$");
    const draw = (seed: string): string[] => {
      const random = createRandom(seed);
      return Array.from({ length: 4 }, () => sampler.sample(random, ANY_LENGTH) ?? "");
    };
    expect(draw("fixed")).toEqual(draw("fixed"));
    expect(draw("fixed")).not.toEqual(draw("other"));
  });

  it("draws exactly these strings for these seeds (generated payloads depend on them)", () => {
    const pinned = ["^CUST-[0-9]{4}$", "^[a-z]+$", "(cat|dog|bird)", "[\\u4e00-\\u9fff]{2}", "\\d{3}"].map((pattern) =>
      patternSampler(pattern).sample(createRandom(`pin\u0000${pattern}`), { min: 5, max: 9 }),
    );
    expect(pinned).toEqual(["CUST-2029", "tpadkq", "podog", "咂甌gyt", "aw195"]);
  });

  it("gives back the same sampler for the same pattern", () => {
    expect(patternSampler("^a+$")).toBe(patternSampler("^a+$"));
  });
});

describe("patternSampler: errors", () => {
  it.each(["(a)\\1", "(?<x>a)\\k<x>"])("refuses the backreference in %s with E_SCHEMA naming the pattern", (pattern) => {
    let thrown: unknown;
    try {
      patternSampler(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      name: "CxdaError",
      code: "E_SCHEMA",
      message: `cannot generate strings for pattern ${JSON.stringify(pattern)}: a backreference is not supported; give the property an enum, or simplify the pattern`,
      context: { pattern },
    });
  });

  it("lets the RegExp's SyntaxError through for a pattern that is not a u-mode regex", () => {
    for (const pattern of ["a{,3}", "(?i)a", "\\-", "[a-"]) expect(() => patternSampler(pattern)).toThrow(SyntaxError);
  });
});
