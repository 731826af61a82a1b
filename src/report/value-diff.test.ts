// Unit tests of the expected/actual diff: objects, nesting, strings, long and huge values, colour or not, control characters.
import { describe, expect, it } from "vitest";
import { expectedView, stringDiffSegments, valueDiffLines, type DiffStyle } from "./value-diff.js";

/** Paints with visible tags, so a test can see exactly what would be coloured. */
const tags = (style: DiffStyle, text: string): string => `<${style}>${text}</${style}>`;

describe("valueDiffLines", () => {
  it("diffs objects as sorted pretty JSON, so key order alone is no difference", () => {
    const lines = valueDiffLines({ tier: "premium", priority: "high", id: 7 }, { id: 7, priority: "high", tier: "gold" });
    expect(lines).toEqual([
      "- expected",
      "+ actual",
      "",
      "  {",
      '    "id": 7,',
      '    "priority": "high",',
      '-   "tier": "premium"',
      "             ^^^^^^^",
      '+   "tier": "gold"',
      "             ^^^^",
      "  }",
    ]);
  });

  it("shows a nested change with context and elides long unchanged runs", () => {
    const filler = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(2, "0")}`, i]));
    const lines = valueDiffLines({ ...filler, nested: { list: [1, 2, 3], name: "a" } }, { ...filler, nested: { list: [1, 2, 4], name: "a" } });
    // Three lines of context on each side of the change; the unchanged start is one elision line.
    expect(lines.slice(3)).toEqual([
      "  … 22 unchanged lines",
      '      "list": [',
      "        1,",
      "        2,",
      "-       3",
      "        ^",
      "+       4",
      "        ^",
      "      ],",
      '      "name": "a"',
      "    }",
      "  }",
    ]);
  });

  it("marks only the changed middle of a string with a caret line when there is no colour", () => {
    const lines = valueDiffLines("order CUST-4412 confirmed", "order CUST-4413 confirmed");
    expect(lines.slice(3)).toEqual(['- "order CUST-4412 confirmed"', "                 ^", '+ "order CUST-4413 confirmed"', "                 ^"]);
  });

  it("folds one- and two-character common runs into the change, so a word reads as one change", () => {
    expect(stringDiffSegments("billing", "shipping")).toEqual({
      expected: [
        { text: "bill", changed: true },
        { text: "ing", changed: false },
      ],
      actual: [
        { text: "shipp", changed: true },
        { text: "ing", changed: false },
      ],
    });
  });

  it("paints lines green and red and inverts the changed characters when there is colour, with no caret line", () => {
    const lines = valueDiffLines({ p: "billing" }, { p: "shipping" }, { paint: tags });
    expect(lines).toEqual([
      "<green>- expected</green>",
      "<red>+ actual</red>",
      "",
      "  {",
      '<green>-   "p": "<inverse>bill</inverse>ing"</green>',
      '<red>+   "p": "<inverse>shipp</inverse>ing"</red>',
      "  }",
    ]);
  });

  it("shows a long string as a window around its first change, both sides aligned", () => {
    const head = "x".repeat(300);
    const lines = valueDiffLines(`${head}-expected-tail-${"y".repeat(300)}`, `${head}-actual-tail-${"y".repeat(300)}`, { maxWidth: 80 });
    const [minus, minusCarets, plus, plusCarets] = lines.slice(3);
    expect(minus?.startsWith("- …")).toBe(true);
    expect(plus?.startsWith("+ …")).toBe(true);
    expect(minus?.endsWith("…")).toBe(true);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(86);
    // The carets sit under the same column on both sides: the changed part starts where the common prefix ends.
    expect(minusCarets?.indexOf("^")).toBe(plusCarets?.indexOf("^"));
    expect(minus?.slice(minusCarets!.indexOf("^"), minusCarets!.lastIndexOf("^") + 1)).toBe("expected");
    expect(plus?.slice(plusCarets!.indexOf("^"), plusCarets!.lastIndexOf("^") + 1)).toBe("actual");
  });

  it("keeps the key of a long JSON line it cuts, so the reader knows whose value changed", () => {
    const long = (middle: string): Record<string, string> => ({ note: `${"a".repeat(150)}${middle}${"b".repeat(150)}` });
    const [minus, , plus] = valueDiffLines(long("OLD"), long("NEW"), { maxWidth: 80 }).slice(4);
    expect(minus).toMatch(/^- {3}"note": …a+OLDb+…$/);
    expect(plus).toMatch(/^\+ {3}"note": …a+NEWb+…$/);
  });

  it("keeps a huge value's diff bounded, and still finds one change deep inside it", () => {
    const big = Array.from({ length: 20_000 }, (_, i) => ({ i, text: `row ${i}` }));
    const deep = valueDiffLines(
      big,
      big.map((row) => (row.i === 15_000 ? { ...row, text: "changed" } : row)),
      { maxLines: 40 },
    );
    expect(deep).toContain('-     "text": "row 15000"');
    expect(deep).toContain('+     "text": "changed"');
    expect(deep.length).toBeLessThan(20);
    const everywhere = valueDiffLines(
      big,
      big.map((row) => ({ ...row, text: `${row.text}!` })),
      { maxLines: 40 },
    );
    expect(everywhere.length).toBeLessThanOrEqual(44);
    expect(everywhere.join("\n")).toMatch(/too many changes to diff line by line|more lines of diff/);
    const wide = valueDiffLines("a".repeat(1_000_000), "b".repeat(1_000_000));
    expect(wide.every((line) => line.length < 200)).toBe(true);
  });

  it("shows control characters escaped, never raw, on both sides", () => {
    const lines = valueDiffLines("name\u009b31m", "name\u001b]0;title\u0007");
    const text = lines.join("\n");
    // eslint-disable-next-line no-control-regex -- no raw control character may reach the terminal
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain("\\u009b31m");
    expect(text).toContain("\\u001b]0;title\\u0007");
    const painted = valueDiffLines({ k: "a\u202eb" }, { k: "a" }, { paint: tags }).join("\n");
    expect(painted).toContain("\\u202e");
  });

  it("diffs multi-line strings line by line, and a missing value as (missing)", () => {
    expect(valueDiffLines("one\ntwo\nthree", "one\n2\nthree").slice(3)).toEqual(["  one", "- two", "+ 2", "  three"]);
    expect(valueDiffLines("x", undefined).slice(3)).toEqual(['- "x"', "+ (missing)"]);
  });
});

describe("expectedView", () => {
  it("puts each failure's expected value at its path, and removes a key the expectation does not have", () => {
    const actual = { a: { "b/c": 1, keep: true }, list: [1, 2], extra: "x" };
    const view = expectedView(actual, [
      { expectation: "output", message: "", path: "/a/b~1c", expected: 2, actual: 1 },
      { expectation: "output", message: "", path: "/list/1", expected: 3, actual: 2 },
      { expectation: "output", message: "", path: "/extra", expected: undefined, actual: "x" },
      { expectation: "output", message: "", path: "/missing", expected: "m", actual: undefined },
    ]);
    expect(view).toEqual({ a: { "b/c": 2, keep: true }, list: [1, 3], missing: "m" });
    expect(actual.extra).toBe("x");
  });

  it("takes the whole expectation for a failure at the root", () => {
    expect(expectedView("got", [{ expectation: "output", message: "", path: "/", expected: "wanted", actual: "got" }])).toBe("wanted");
  });
});

describe("regressions", () => {
  it("an output thousands of levels deep still has its expected value put back (structuredClone overflowed and the diff showed no change)", () => {
    let deep: unknown = { leaf: 1 };
    for (let i = 0; i < 20_000; i++) deep = { n: deep };
    const view = expectedView(deep, [{ expectation: "output", message: "", path: "/n", expected: 1, actual: (deep as { n: unknown }).n }]);
    expect(view).toEqual({ n: 1 });
    expect((deep as { n: unknown }).n).not.toBe(1);
    const lines = valueDiffLines(view, { n: { n: { leaf: 1 } } });
    expect(lines.some((line) => line.startsWith("-") && line.includes('"n": 1'))).toBe(true);
  });

  it("expectedView copies only the path it changes, and leaves the actual output as it was", () => {
    const shared = { big: [1, 2, 3] };
    const actual = { a: { b: 1, c: shared }, list: [{ x: 1 }, { x: 2 }] };
    const view = expectedView(actual, [
      { expectation: "match", message: "", path: "/a/b", expected: 2, actual: 1 },
      { expectation: "match", message: "", path: "/list/1/x", expected: 3, actual: 2 },
      { expectation: "match", message: "", path: "/a/nope/deeper", expected: 4, actual: undefined },
    ]) as typeof actual;
    expect(view).toEqual({ a: { b: 2, c: shared }, list: [{ x: 1 }, { x: 3 }] });
    expect(actual).toEqual({ a: { b: 1, c: { big: [1, 2, 3] } }, list: [{ x: 1 }, { x: 2 }] });
  });

  it("two values that print the same (a secret redacted on both sides) say so instead of eliding the whole value", () => {
    const same = { apiKey: "[redacted]", n: 1, m: 2, o: 3, p: 4, q: 5, r: 6, s: 7, t: 8 };
    const lines = valueDiffLines(same, { ...same });
    expect(lines.slice(3)).toEqual(["  (both sides print the same: they differ only in what is not shown, such as a redacted secret-looking value)"]);
  });
});
