import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../../../core/errors.js";
import { compilePath, evaluatePath } from "./json-path.js";
import { toRfcPath } from "./jayway-syntax.js";

const doc = {
  id: "c-1",
  nothing: null,
  items: [
    { name: "a", price: 5, tags: ["x"] },
    { name: "b", price: 12, tags: [] },
  ],
  meta: { "first-name": "Ada", "2fa": true },
};

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("definite paths", () => {
  it("yields the value itself for names and single indexes", () => {
    expect(evaluatePath(doc, "$.items[1].name")).toMatchObject({ definite: true, found: true, value: "b", matches: 1 });
    expect(evaluatePath(doc, "$.items[-1].price")).toMatchObject({ found: true, value: 12 });
  });

  it("is not found when a member is missing, an index is past the end or a name meets a non-object", () => {
    expect(evaluatePath(doc, "$.missing")).toMatchObject({ definite: true, found: false, value: undefined, matches: 0 });
    expect(evaluatePath(doc, "$.items[5].name")).toMatchObject({ found: false });
    expect(evaluatePath(doc, "$.id.length")).toMatchObject({ found: false });
    expect(evaluatePath(doc, "$.nothing.deeper")).toMatchObject({ found: false });
  });

  it("finds a null value (null is a value, not a miss)", () => {
    expect(evaluatePath(doc, "$.nothing")).toMatchObject({ found: true, value: null, matches: 1 });
  });
});

describe("indefinite paths", () => {
  it.each([
    ["wildcard", "$.items[*].name", ["a", "b"]],
    ["dot wildcard", "$.items.*.price", [5, 12]],
    ["descendant", "$..price", [5, 12]],
    ["filter", "$.items[?(@.price > 10)].name", ["b"]],
    ["slice", "$.items[0:1].name", ["a"]],
    ["index union", "$.items[0,1].price", [5, 12]],
  ])("a %s yields a list of every match", (_kind, path, expected) => {
    expect(evaluatePath(doc, path)).toMatchObject({ definite: false, found: true, value: expected, matches: expected.length });
  });

  it("resolves to an empty list when nothing matches past its definite start", () => {
    expect(evaluatePath(doc, "$.items[?(@.price > 100)].name")).toMatchObject({ found: true, value: [], matches: 0 });
    expect(evaluatePath({ results: [] }, "$.results[0].data..qualifier")).toMatchObject({ found: true, value: [] });
  });

  it("does not resolve when its definite start meets a missing member (Jayway's PathNotFoundException)", () => {
    expect(evaluatePath({}, "$.results[0].data..qualifier")).toMatchObject({ definite: false, found: false, value: undefined });
    expect(evaluatePath({ results: "x" }, "$.results.data[*]")).toMatchObject({ found: false });
    expect(evaluatePath({ results: "x" }, "$.results[*]")).toMatchObject({ found: true, value: [] });
  });
});

describe("normalisation", () => {
  it("reads a path without $ as Jayway does", () => {
    expect(toRfcPath("foo.bar")).toBe("$.foo.bar");
    expect(toRfcPath("  $.a  ")).toBe("$.a");
    expect(toRfcPath("['participants'][0]")).toBe("$['participants'][0]");
    expect(toRfcPath("$.['a'].b")).toBe("$['a'].b");
    expect(evaluatePath(doc, "items[0].name")).toMatchObject({ normalisedPath: "$.items[0].name", value: "a" });
  });

  it("brackets dotted names RFC 9535 would refuse (dashes, leading digits)", () => {
    expect(toRfcPath("$.meta.first-name")).toBe("$.meta['first-name']");
    expect(evaluatePath(doc, "$.meta.first-name").value).toBe("Ada");
    expect(evaluatePath(doc, "meta.2fa").value).toBe(true);
    expect(toRfcPath("$..it's")).toBe("$..['it\\'s']");
  });
});

describe("unsupported Jayway syntax", () => {
  it.each(["length", "size", "min", "max", "avg", "sum", "keys", "first", "last"])(
    "refuses the function %s() naming the path and the function",
    (name) => {
      const error = thrown(() => evaluatePath(doc, `$.items.${name}()`));
      expect(hasErrorCode(error, "E_DEFINITION")).toBe(true);
      expect((error as Error).message).toContain(`$.items.${name}()`);
      expect((error as Error).message).toContain(`${name}()`);
      expect((error as Error).message).toContain("not support");
    },
  );

  it("refuses a function inside a filter", () => {
    expect((thrown(() => compilePath("$.items[?(@.tags.length() > 0)]")) as Error).message).toContain("length()");
  });

  it.each([
    ["=~", "$.items[?(@.name =~ /a.*/)]"],
    ["in", "$.items[?(@.name in ['a','b'])]"],
    ["nin", "$.items[?(@.name nin ['a'])]"],
    ["size", "$.items[?(@.tags size 1)]"],
    ["empty", "$.items[?(@.tags empty false)]"],
    ["subsetof", "$.items[?(@.tags subsetof ['x'])]"],
  ])("names Jayway's %s filter operator", (operator, path) => {
    const error = thrown(() => compilePath(path)) as Error;
    expect(hasErrorCode(error, "E_DEFINITION")).toBe(true);
    expect(error.message).toContain(operator);
    expect(error.message).toContain(path);
  });

  it("does not mistake an operator word inside a string or a member name", () => {
    expect(evaluatePath(doc, "$.items[?(@.name == 'in size')]").matches).toBe(0);
    expect(compilePath("$.items[?(@.size > 1)]").definite).toBe(false);
  });

  it("refuses a merged list of names, which Jayway returns as one object", () => {
    expect((thrown(() => compilePath("$['id','meta']")) as Error).message).toContain("merged object");
  });
});

describe("hostile paths", () => {
  it.each(["$.items[0", "$.items[?(@.a == 'x)]", "$.", "$..", "", "   ", "@.a", "$.a b", "$[?]"])(
    "reports %j as an E_DEFINITION naming it",
    (path) => {
      const error = thrown(() => compilePath(path));
      expect(hasErrorCode(error, "E_DEFINITION")).toBe(true);
    },
  );

  it("says where an unterminated bracket opens", () => {
    expect((thrown(() => compilePath("$.items[0")) as Error).message).toMatch(/column 8.*never closed/);
  });

  it("refuses an index beyond a Java int, and evaluates a large one as a miss", () => {
    expect((thrown(() => compilePath("$.items[99999999999999999999]")) as Error).message).toContain("Java int");
    expect(evaluatePath(doc, "$.items[2147483647]")).toMatchObject({ found: false });
  });

  it("reports a path nested too deeply to parse instead of crashing", () => {
    const path = `$.a[?${"(".repeat(20000)}@.b${")".repeat(20000)}]`;
    expect(
      hasErrorCode(
        thrown(() => compilePath(path)),
        "E_DEFINITION",
      ),
    ).toBe(true);
  });

  it("walks a very deep document without overflowing the stack", () => {
    const root: Record<string, unknown> = {};
    let node = root;
    for (let i = 0; i < 50_000; i += 1) {
      const child: Record<string, unknown> = {};
      node["a"] = child;
      node = child;
    }
    node["leaf"] = 1;
    expect(evaluatePath(root, "$..leaf")).toMatchObject({ found: true, value: [1] });
  });
});
