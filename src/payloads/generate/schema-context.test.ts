import { describe, expect, it } from "vitest";
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { isUnconstrained, jsonEqual, type Constraints } from "./constraints.js";
import { createSchemaContext } from "./schema-context.js";

/** The constraints of the root schema, read as `draft`. */
function rootConstraints(root: JsonSchema, draft: SchemaDraft = "2020-12"): Constraints {
  const context = createSchemaContext(root, draft);
  return context.constraintsOf([context.root]);
}

/** What `run` throws, for assertions on code, message and context. */
function thrownBy(run: () => unknown): { code?: unknown; message?: unknown; context?: unknown } {
  try {
    run();
  } catch (error) {
    return error as { code?: unknown; message?: unknown; context?: unknown };
  }
  throw new Error("expected a throw");
}

describe("createSchemaContext: gathering", () => {
  it("merges allOf branches into one set of constraints, keeping the tightest bound of each kind", () => {
    const c = rootConstraints({
      allOf: [
        { type: "integer", minimum: 3, maximum: 50, minLength: 1 },
        { minimum: 7, maximum: 90, minLength: 4, multipleOf: 2 },
        { allOf: [{ maximum: 20, multipleOf: 3 }] },
      ],
    });
    expect(c.types).toEqual(["integer"]);
    expect([c.minimum, c.maximum, c.minLength]).toEqual([7, 20, 4]);
    expect(c.multipleOf).toEqual([2, 3]);
    expect(c.impossible).toBeUndefined();
  });

  it("intersects types, reading integer and number as integer, and names the clash when nothing is left", () => {
    expect(rootConstraints({ type: ["string", "number"], allOf: [{ type: ["integer", "null"] }] }).types).toEqual(["integer"]);
    const clash = rootConstraints({ type: "string", allOf: [{ type: "object" }] });
    expect(clash.types).toEqual([]);
    expect(clash.impossible).toBe("the type keywords that apply here have no type in common");
  });

  it("intersects enum and const by JSON value, and const names the rule once it applies", () => {
    const c = rootConstraints({ enum: [{ a: 1, b: [2] }, "x", 3], allOf: [{ enum: [{ b: [2], a: 1 }, 3, 4] }] });
    expect(c.values).toEqual([{ a: 1, b: [2] }, 3]);
    expect(c.valuesKeyword).toBe("enum");
    const withConst = rootConstraints({ enum: ["x", "y"], allOf: [{ const: "y" }] });
    expect([withConst.values, withConst.valuesKeyword]).toEqual([["y"], "const"]);
    expect(rootConstraints({ const: null }).values).toEqual([null]);
    expect(rootConstraints({ enum: [1], const: 2 }).impossible).toBe("the enum and const keywords that apply here allow no common value");
  });

  it("reads the false schema as impossible and true, {} or annotations alone as unconstrained", () => {
    expect(rootConstraints(false).impossible).toBe("the schema is false (nothing is allowed here)");
    expect(rootConstraints({ allOf: [true, false] }).impossible).toBe("the schema is false (nothing is allowed here)");
    for (const schema of [true, {}, { title: "t", description: "d", examples: [1] }]) expect(isUnconstrained(rootConstraints(schema))).toBe(true);
    expect(isUnconstrained(rootConstraints({ required: [] }))).toBe(true);
    expect(isUnconstrained(rootConstraints({ required: ["a"] }))).toBe(false);
    expect(isUnconstrained(rootConstraints({ uniqueItems: true }))).toBe(false);
  });

  it("reads draft-04 boolean exclusive bounds as exclusive bounds, and numeric ones in later drafts", () => {
    const four = rootConstraints({ minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: true }, "draft-04");
    expect([four.minimum, four.exclusiveMinimum, four.maximum, four.exclusiveMaximum]).toEqual([undefined, 1, undefined, 9]);
    const merged = rootConstraints(
      {
        minimum: 1,
        exclusiveMinimum: true,
        maximum: 9,
        exclusiveMaximum: true,
        allOf: [{ minimum: 3, exclusiveMinimum: true, maximum: 7, exclusiveMaximum: true }],
      },
      "draft-04",
    );
    expect([merged.exclusiveMinimum, merged.exclusiveMaximum]).toEqual([3, 7]);
    const later = rootConstraints({ minimum: 1, exclusiveMinimum: 2, maximum: 9, exclusiveMaximum: 8 }, "draft-07");
    expect([later.minimum, later.exclusiveMinimum, later.maximum, later.exclusiveMaximum]).toEqual([1, 2, 9, 8]);
  });

  it("keeps each pattern and format once, in the order they apply", () => {
    const c = rootConstraints({ pattern: "^a", format: "email", allOf: [{ pattern: "b$" }, { pattern: "^a", format: "email" }] });
    expect(c.patterns).toEqual(["^a", "b$"]);
    expect(c.formats).toEqual(["email"]);
  });

  it("reads tuples from prefixItems in 2020-12 and from an items array with additionalItems before it", () => {
    const modern = rootConstraints({ prefixItems: [{ type: "integer" }], items: { type: "string" } }, "2020-12");
    expect(modern.itemRules).toEqual([{ prefix: [{ type: "integer" }], rest: { type: "string" } }]);
    // An items array means nothing in 2020-12.
    expect(rootConstraints({ items: [{ type: "integer" }] }, "2020-12").itemRules).toEqual([]);
    const legacy = rootConstraints({ items: [{ type: "integer" }], additionalItems: false }, "draft-07");
    expect(legacy.itemRules).toEqual([{ prefix: [{ type: "integer" }], rest: false }]);
    expect(rootConstraints({ items: { type: "null" } }, "draft-07").itemRules).toEqual([{ prefix: [], rest: { type: "null" } }]);
  });

  it("takes minContains and maxContains only beside contains", () => {
    const c = rootConstraints({ contains: { const: 1 }, minContains: 2, maxContains: 3, minItems: 2, maxItems: 5, uniqueItems: true });
    expect([c.contains, c.minContains, c.maxContains, c.minItems, c.maxItems, c.uniqueItems]).toEqual([[{ const: 1 }], 2, 3, 2, 5, true]);
    const alone = rootConstraints({ minContains: 2 });
    expect(alone.minContains).toBeUndefined();
  });

  it("collects every schema of a property and ties additionalProperties to the names and patterns beside it", () => {
    const c = rootConstraints({
      properties: { a: { type: "string" } },
      patternProperties: { "^x-": { type: "integer" } },
      additionalProperties: false,
      required: ["a", 7],
      allOf: [{ properties: { a: { minLength: 2 }, b: true }, required: ["b"] }],
      minProperties: 1,
      maxProperties: 3,
      propertyNames: { maxLength: 5 },
      unevaluatedProperties: false,
    });
    expect([...c.properties]).toEqual([
      ["a", [{ type: "string" }, { minLength: 2 }]],
      ["b", [true]],
    ]);
    expect([...c.required]).toEqual(["a", "b"]);
    expect(c.patternProperties).toEqual([{ pattern: "^x-", schema: { type: "integer" } }]);
    expect(c.additional).toEqual([{ known: new Set(["a"]), patterns: ["^x-"], schema: false }]);
    expect([c.minProperties, c.maxProperties, c.propertyNames, c.closed]).toEqual([1, 3, [{ maxLength: 5 }], true]);
  });

  it("plans dependentRequired and array dependencies, and leaves schema dependencies unplanned (checked only)", () => {
    const c = rootConstraints({
      dependentRequired: { a: ["b"] },
      dependencies: { a: ["c", 1], d: { required: ["e"] } },
      dependentSchemas: { f: { required: ["g"] } },
    });
    expect([...c.dependentRequired]).toEqual([["a", ["b", "c"]]]);
    expect(c.unplanned).toEqual(['dependencies of "d"', "dependentSchemas"]);
  });

  it("leaves anyOf, oneOf, not and if/then/else open for the generator to choose", () => {
    const c = rootConstraints({
      anyOf: [{ type: "string" }, 3],
      oneOf: [true, false],
      not: { const: 0 },
      if: { minimum: 5 },
      then: { multipleOf: 5 },
    });
    expect(c.anyOf).toEqual([[{ type: "string" }]]);
    expect(c.oneOf).toEqual([[true, false]]);
    expect(c.not).toEqual([{ const: 0 }]);
    expect(c.conditionals).toEqual([{ if: { minimum: 5 }, then: { multipleOf: 5 }, else: undefined }]);
    expect(c.types).toBeUndefined();
  });
});

describe("createSchemaContext: local $refs", () => {
  it("follows refs into definitions and $defs, to the root, and through the root's $id", () => {
    const root = {
      $id: "https://example.com/order.json",
      definitions: { id: { type: "string", minLength: 3 } },
      $defs: { count: { type: "integer", maximum: 9 } },
      properties: {
        a: { $ref: "#/definitions/id" },
        b: { $ref: "#/$defs/count" },
        c: { $ref: "https://example.com/order.json#/$defs/count" },
        d: { $ref: "#" },
      },
    };
    const context = createSchemaContext(root, "2020-12");
    const of = (name: string): Constraints => context.constraintsOf(context.constraintsOf([root]).properties.get(name) ?? []);
    expect([of("a").types, of("a").minLength]).toEqual([["string"], 3]);
    expect([of("b").types, of("b").maximum]).toEqual([["integer"], 9]);
    expect(of("c").maximum).toBe(9);
    expect(of("d").properties.has("a")).toBe(true);
  });

  it("decodes ~0, ~1, percent escapes and array indexes in pointers", () => {
    const root = {
      $defs: { "a/b": { minimum: 1 }, "c~d": { maximum: 2 }, "e f": { multipleOf: 3 }, "g~1h": { maxLength: 5 } },
      anyOf: [{ minLength: 4 }],
      properties: {
        one: { $ref: "#/$defs/a~1b" },
        two: { $ref: "#/$defs/c~0d" },
        three: { $ref: "#/$defs/e%20f" },
        four: { $ref: "#/anyOf/0" },
        five: { $ref: "#/$defs/g~01h" },
      },
    };
    const context = createSchemaContext(root, "2020-12");
    const props = context.constraintsOf([root]).properties;
    const of = (name: string): Constraints => context.constraintsOf(props.get(name) ?? []);
    expect([of("one").minimum, of("two").maximum, of("three").multipleOf, of("four").minLength, of("five").maxLength]).toEqual([1, 2, [3], 4, 5]);
  });

  it.each(["draft-04", "draft-06", "draft-07"] as const)("ignores keywords beside $ref in %s", (draft) => {
    const c = rootConstraints({ definitions: { n: { type: "number", minimum: 1 } }, $ref: "#/definitions/n", maximum: 5 }, draft);
    expect([c.types, c.minimum, c.maximum]).toEqual([["number"], 1, undefined]);
  });

  it.each(["2019-09", "2020-12"] as const)("applies keywords beside $ref in %s", (draft) => {
    const c = rootConstraints({ $defs: { n: { type: "number", minimum: 1 } }, $ref: "#/$defs/n", maximum: 5 }, draft);
    expect([c.types, c.minimum, c.maximum]).toEqual([["number"], 1, 5]);
  });

  it("refuses a ref outside the document, naming it, when its constraints are gathered", () => {
    const context = createSchemaContext({ $ref: "https://example.com/other.json#/x" }, "2020-12");
    const error = thrownBy(() => context.constraintsOf([context.root]));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toBe(
      'cannot generate payloads: $ref "https://example.com/other.json#/x" is not a local JSON Pointer; only refs inside the schema (#/definitions/…, #/$defs/…) are supported',
    );
    expect(error.context).toEqual({ ref: "https://example.com/other.json#/x" });
  });

  it("refuses a ref that points at nothing, or at something that is not a schema", () => {
    expect(thrownBy(() => rootConstraints({ $ref: "#/$defs/missing" })).message).toBe(
      'cannot generate payloads: $ref "#/$defs/missing" points at nothing in the schema',
    );
    expect(thrownBy(() => rootConstraints({ required: ["a"], $ref: "#/required" })).message).toBe(
      'cannot generate payloads: $ref "#/required" does not point at a schema',
    );
  });

  it("refuses a ref chain that loops, and $dynamicRef and $recursiveRef", () => {
    const loop = { $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } }, $ref: "#/$defs/a" };
    const error = thrownBy(() => rootConstraints(loop));
    expect([error.code, error.message]).toEqual(["E_SCHEMA", "cannot generate payloads: a $ref chain loops without reaching a schema"]);
    for (const keyword of ["$dynamicRef", "$recursiveRef"]) {
      const refused = thrownBy(() => rootConstraints({ [keyword]: "#" }));
      expect(refused.message).toBe(`cannot generate payloads: ${keyword} is not supported; use $ref to #/$defs/…`);
      expect(refused.context).toEqual({ keyword });
    }
  });

  it("follows a ref back into the root without looping when the recursion is guarded by a property", () => {
    const tree = { type: "object", properties: { child: { $ref: "#" } } };
    const context = createSchemaContext(tree, "2020-12");
    const child = context.constraintsOf(context.constraintsOf([tree]).properties.get("child") ?? []);
    expect(child.types).toEqual(["object"]);
    expect(child.properties.has("child")).toBe(true);
  });
});

describe("createSchemaContext: caching, absorb and copy", () => {
  it("gathers a list of schema objects once and shares the result for the same objects", () => {
    const a = { type: "string" };
    const b = { maxLength: 3 };
    const context = createSchemaContext(true, "2020-12");
    const first = context.constraintsOf([a, b]);
    expect(context.constraintsOf([a, b])).toBe(first);
    expect(first.subs).toEqual([a, b]);
    expect(context.constraintsOf([b, a])).not.toBe(first);
    expect(context.constraintsOf([{ type: "string" }, b])).not.toBe(first);
  });

  it("absorbs a chosen branch into a copy without changing the shared constraints", () => {
    const root = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const context = createSchemaContext(root, "2020-12");
    const shared = context.constraintsOf([root]);
    const copy = context.copy(shared);
    const branch = { properties: { a: { maxLength: 2 }, b: true }, required: ["b"], minProperties: 2 };
    context.absorb(copy, branch);
    expect(copy.subs).toEqual([root, branch]);
    expect([...copy.required]).toEqual(["a", "b"]);
    expect(copy.properties.get("a")).toEqual([{ type: "string" }, { maxLength: 2 }]);
    expect(copy.minProperties).toBe(2);
    expect(shared.subs).toEqual([root]);
    expect([...shared.required]).toEqual(["a"]);
    expect(shared.properties.get("a")).toEqual([{ type: "string" }]);
    expect(shared.minProperties).toBeUndefined();
  });
});

describe("createSchemaContext: checks with the validator", () => {
  it("accepts a value when it satisfies every subschema, refs into the root included", () => {
    const root = { $defs: { code: { type: "string", pattern: "^[A-Z]{3}$" } }, properties: { c: { $ref: "#/$defs/code" } } };
    const context = createSchemaContext(root, "2020-12");
    const subs = [{ $ref: "#/$defs/code" }, { maxLength: 3 }];
    expect(context.accepts("ABC", subs)).toBe(true);
    expect(context.accepts("abc", subs)).toBe(false);
    expect(context.accepts({ c: "XYZ" }, [root])).toBe(true);
    expect(context.accepts({ c: "xyz" }, [root])).toBe(false);
    expect(context.accepts("anything", [])).toBe(true);
  });

  it("keeps refs to the root working for subschemas of a schema with an $id and $schema", () => {
    const next = { $ref: "#" };
    const root = {
      $schema: "http://json-schema.org/draft-07/schema#",
      $id: "https://example.com/tree.json",
      type: "object",
      properties: { next, n: { type: "integer" } },
    };
    const context = createSchemaContext(root, "draft-07");
    expect(context.accepts({ n: 1, next: { n: 2 } }, [next])).toBe(true);
    expect(context.accepts({ n: 1, next: { n: "2" } }, [next])).toBe(false);
  });

  it("leaves enum and const data alone: a $ref string there is a value, not a ref", () => {
    const context = createSchemaContext({ $defs: { x: { type: "integer" } } }, "2020-12");
    expect(context.accepts({ $ref: "#/$defs/x" }, [{ const: { $ref: "#/$defs/x" } }])).toBe(true);
    expect(context.accepts({ $ref: "#/$defs/y" }, [{ enum: [{ $ref: "#/$defs/x" }] }])).toBe(false);
  });

  it("answers undefined when the subschemas cannot be compiled on their own", () => {
    const context = createSchemaContext(true, "2020-12");
    expect(context.accepts(1, [{ $ref: "https://example.com/elsewhere.json" }])).toBeUndefined();
  });

  it("judges formats as the validator does", () => {
    const context = createSchemaContext(true, "2020-12");
    expect(context.acceptsFormat("ada@example.com", "email")).toBe(true);
    expect(context.acceptsFormat("not an email", "email")).toBe(false);
    expect(context.acceptsFormat("2026-02-30", "date")).toBe(false);
    expect(context.acceptsFormat("2026-02-28", "date")).toBe(true);
  });
});

describe("jsonEqual", () => {
  it("compares JSON values deeply, ignoring key order but not array order", () => {
    expect(jsonEqual({ a: [1, { b: null }], c: "x" }, { c: "x", a: [1, { b: null }] })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual([], {})).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual(1, "1")).toBe(false);
  });
});
