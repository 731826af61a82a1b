import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import { getPath, parseAssignment, removePath, setPath, unsetPath } from "./dotted-path.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return hasErrorCode(error, "E_USAGE") ? "E_USAGE" : String(error);
  }
  return undefined;
}

describe("setPath", () => {
  it("sets a nested value and creates the objects on the way", () => {
    const target: Record<string, unknown> = { contact: { id: "c-1" } };
    setPath(target, "contact.attributes.tier", "standard");
    expect(target).toEqual({ contact: { id: "c-1", attributes: { tier: "standard" } } });
  });

  it("indexes an array with a numeric segment", () => {
    const target: Record<string, unknown> = { items: [{ n: 1 }, { n: 2 }] };
    setPath(target, "items.1.n", 20);
    setPath(target, "items.0", "first");
    expect(target).toEqual({ items: ["first", { n: 20 }] });
  });

  it("treats a numeric segment as a property name on an object", () => {
    const target: Record<string, unknown> = {};
    setPath(target, "codes.0", "x");
    expect(target).toEqual({ codes: { "0": "x" } });
  });

  it.each(["__proto__.polluted", "a.constructor.prototype.polluted", "a.prototype", "constructor"])(
    "refuses the prototype-reaching path %s",
    (path) => {
      const target: Record<string, unknown> = { a: {} };
      expect(codeOf(() => setPath(target, path, true))).toBe("E_USAGE");
      expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    },
  );

  it.each(["", "a..b", ".a", "a."])("refuses the malformed path %j", (path) => {
    expect(codeOf(() => setPath({}, path, 1))).toBe("E_USAGE");
  });

  it("refuses to run a path through a scalar rather than silently replacing it", () => {
    const target: Record<string, unknown> = { contact: { id: "c-1" } };
    expect(() => setPath(target, "contact.id.value", 1)).toThrow(/"contact.id" holds a string/);
    expect(target).toEqual({ contact: { id: "c-1" } });
  });

  it("refuses a non-index segment on an array", () => {
    expect(codeOf(() => setPath({ items: [] }, "items.first", 1))).toBe("E_USAGE");
  });
});

describe("getPath", () => {
  const doc = { data: { customFields: { resolutionScore: 87 }, tags: ["a", "b"] } };

  it("reads nested values and array items", () => {
    expect(getPath(doc, "data.customFields.resolutionScore")).toBe(87);
    expect(getPath(doc, "data.tags.1")).toBe("b");
  });

  it("returns undefined for a missing path, through scalars, and for inherited properties", () => {
    expect(getPath(doc, "data.missing.deeper")).toBeUndefined();
    expect(getPath(doc, "data.customFields.resolutionScore.x")).toBeUndefined();
    expect(getPath(doc, "data.toString")).toBeUndefined();
  });

  it("refuses prototype-reaching segments", () => {
    expect(codeOf(() => getPath(doc, "data.__proto__"))).toBe("E_USAGE");
  });
});

describe("unsetPath", () => {
  it("removes a property and reports that it did", () => {
    const target: Record<string, unknown> = { contact: { id: "c-1", attributes: { tier: "premium" } } };
    expect(unsetPath(target, "contact.attributes")).toBe(true);
    expect(target).toEqual({ contact: { id: "c-1" } });
  });

  it("removes a top-level key", () => {
    const target: Record<string, unknown> = { interaction: {}, data: {} };
    expect(unsetPath(target, "interaction")).toBe(true);
    expect(Object.keys(target)).toEqual(["data"]);
  });

  it("splices an array item out", () => {
    const target: Record<string, unknown> = { tags: ["a", "b", "c"] };
    expect(unsetPath(target, "tags.1")).toBe(true);
    expect(target).toEqual({ tags: ["a", "c"] });
  });

  it("returns false when there is nothing to remove", () => {
    const target: Record<string, unknown> = { a: { b: 1 }, tags: [] };
    expect(unsetPath(target, "a.c")).toBe(false);
    expect(unsetPath(target, "x.y.z")).toBe(false);
    expect(unsetPath(target, "tags.0")).toBe(false);
    expect(unsetPath(target, "a.toString")).toBe(false);
    expect(target).toEqual({ a: { b: 1 }, tags: [] });
  });
});

describe("setPath past the end of an array", () => {
  it("fills the items it skips with null, so the array has no holes", () => {
    const target: Record<string, unknown> = { tags: ["a"] };
    setPath(target, "tags.3", "d");
    expect(target.tags).toEqual(["a", null, null, "d"]);
    expect(1 in (target.tags as unknown[])).toBe(true);
  });

  it("refuses an index far past the end instead of building a huge array", () => {
    expect(() => setPath({ tags: ["a"] }, "tags.4294967294", 1)).toThrow(/index 4294967294 is far past the end of the array there \(1 items\)/);
  });
});

describe("copy on write of frozen parts", () => {
  const frozenBase = () =>
    deepFreeze({ contact: { id: "c-1", attributes: { tier: "premium" } }, interaction: { id: "i-1" }, tags: ["a", "b", "c"] }) as Record<
      string,
      unknown
    >;

  it("setPath copies only the containers on the way to a frozen value's change, and shares the rest", () => {
    const base = frozenBase();
    const changed = setPath(base, "contact.attributes.tier", "standard") as { contact: { attributes: unknown; id: string }; interaction: unknown };
    expect(changed).not.toBe(base);
    expect(getPath(base, "contact.attributes.tier")).toBe("premium");
    expect(getPath(changed, "contact.attributes.tier")).toBe("standard");
    expect(changed.interaction).toBe(base.interaction);
    expect(JSON.stringify(changed)).toBe('{"contact":{"id":"c-1","attributes":{"tier":"standard"}},"interaction":{"id":"i-1"},"tags":["a","b","c"]}');
  });

  it("setPath changes an unfrozen target in place and returns it", () => {
    const target: Record<string, unknown> = { a: { b: 1 } };
    expect(setPath(target, "a.c", 2)).toBe(target);
    expect(target).toEqual({ a: { b: 1, c: 2 } });
  });

  it("setPath into a frozen array copies the array", () => {
    const base = frozenBase();
    const changed = setPath(base, "tags.1", "x");
    expect(changed.tags).toEqual(["a", "x", "c"]);
    expect(base.tags).toEqual(["a", "b", "c"]);
  });

  it("a key named __proto__ stays data in the copies", () => {
    const base = deepFreeze(JSON.parse('{"__proto__":{"x":1},"a":{"b":1}}') as Record<string, unknown>);
    const changed = setPath(base, "a.b", 2);
    expect(Object.getPrototypeOf(changed)).toBe(Object.prototype);
    expect(JSON.stringify(changed)).toBe('{"__proto__":{"x":1},"a":{"b":2}}');
  });

  it("removePath copies on write, and copies nothing when the path is not there", () => {
    const base = frozenBase();
    const removed = removePath(base, "contact.attributes");
    expect(removed).toBeDefined();
    expect(JSON.stringify(removed)).toBe('{"contact":{"id":"c-1"},"interaction":{"id":"i-1"},"tags":["a","b","c"]}');
    expect(getPath(base, "contact.attributes.tier")).toBe("premium");
    expect(removePath(base, "contact.nothing.here")).toBeUndefined();
    expect(removePath(base, "tags.7")).toBeUndefined();
    expect(removePath(base, "tags.1")?.tags).toEqual(["a", "c"]);
  });
});

describe("parseAssignment", () => {
  it.each<[string, string, unknown]>([
    ["resolutionScore=87", "resolutionScore", 87],
    ['x="87"', "x", "87"],
    ["tier=standard", "tier", "standard"],
    ['a={"b":1}', "a", { b: 1 }],
    ["flag=true", "flag", true],
    ["gone=null", "gone", null],
    ["tags=[1,2]", "tags", [1, 2]],
    ["empty=", "empty", ""],
    ["url=https://x.test/?q=1", "url", "https://x.test/?q=1"],
  ])("parses %s", (text, path, value) => {
    expect(parseAssignment(text)).toEqual([path, value]);
  });

  it("names the flag and shows the text when = is missing", () => {
    expect(() => parseAssignment("tier", "--var")).toThrow('--var: expected key=value, got "tier"');
    expect(codeOf(() => parseAssignment("tier"))).toBe("E_USAGE");
  });

  it("says --set by default", () => {
    expect(() => parseAssignment("tier")).toThrow(/^--set: /);
  });

  it("refuses an empty or prototype-reaching key", () => {
    expect(() => parseAssignment("=1")).toThrow(/--set: invalid key/);
    expect(codeOf(() => parseAssignment("__proto__.x=1"))).toBe("E_USAGE");
  });
});
