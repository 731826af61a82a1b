// InstanceBuilder: what it builds for each keyword, its bias and optional rate, its sites, its determinism per seed, and its failure reports.
import { describe, expect, it } from "vitest";
import type { JsonSchema, SchemaDraft } from "../../core/types.js";
import { createValidator } from "../../validation/create-validator.js";
import { formatIssue } from "../../validation/format-issue.js";
import { InstanceBuilder, isMultipleOf, type BuildSettings, type Site } from "./build-instance.js";
import { createGenerationRun } from "./generation-run.js";
import { createRandom } from "./random.js";
import { createSchemaContext } from "./schema-context.js";

const NATURAL: BuildSettings = { optionalRate: 0.5, bias: "natural", sites: false };
/** A fixed clock: 2026-03-02T10:00:00Z. */
const INSTANT_MS = Date.UTC(2026, 2, 2, 10);
/** Draws per schema: enough to reach every branch of the small schemas below. */
const DRAWS = 40;

/** A builder over `schema`, drawing from the seeded stream `seed`, without the run's validate-and-retry loop. */
function builderFor(schema: JsonSchema, seed: string, settings: Partial<BuildSettings> = {}, draft: SchemaDraft = "2020-12"): InstanceBuilder {
  const context = createSchemaContext(schema, draft);
  return new InstanceBuilder({ context, instantMs: INSTANT_MS, realistic: undefined, dataActionId: "da-test" }, createRandom(seed), {
    ...NATURAL,
    ...settings,
  });
}

/**
 * `count` instances built straight by the builder (seeds `draw 0`, `draw 1`…), each checked against the schema by the
 * real validator: a builder that makes an invalid value fails here, not hidden behind the run's retries.
 */
function draws(schema: JsonSchema, settings: Partial<BuildSettings> = {}, count = DRAWS, draft: SchemaDraft = "2020-12"): unknown[] {
  const validator = createValidator(schema, { side: "input", draft });
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const value = builderFor(schema, `draw ${i}`, settings, draft).build();
    expect(validator.validate(value).map(formatIssue), `draw ${i}: ${JSON.stringify(value)}`).toEqual([]);
    out.push(value);
  }
  return out;
}

/** What building `schema` throws. */
function failureOf(schema: JsonSchema, settings: Partial<BuildSettings> = {}): { code?: unknown; message?: unknown; context?: unknown } {
  try {
    builderFor(schema, "failure", settings).build();
  } catch (error) {
    return error as { code?: unknown; message?: unknown; context?: unknown };
  }
  throw new Error("expected the build to throw");
}

function codePointLength(value: string): number {
  return [...value].length;
}

describe("InstanceBuilder: strings", () => {
  it("builds strings whose length lies within minLength and maxLength, counted in code points", () => {
    const values = draws({ type: "string", minLength: 4, maxLength: 9 }) as string[];
    for (const value of values) {
      expect(typeof value).toBe("string");
      expect(codePointLength(value)).toBeGreaterThanOrEqual(4);
      expect(codePointLength(value)).toBeLessThanOrEqual(9);
    }
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  it("builds a string of exactly the length when minLength equals maxLength", () => {
    for (const value of draws({ type: "string", minLength: 7, maxLength: 7 }) as string[]) expect(codePointLength(value)).toBe(7);
  });

  it("builds strings that match a pattern, together with its length limits", () => {
    const values = draws({ type: "string", pattern: "^[A-Z]{3}-\\d{2,4}$", maxLength: 7 }) as string[];
    for (const value of values) {
      expect(value).toMatch(/^[A-Z]{3}-\d{2,4}$/);
      expect(value.length).toBeLessThanOrEqual(7);
    }
  });

  it("builds strings that satisfy every pattern when allOf sets several, drawing from the first and checking the others", () => {
    for (const value of draws({ type: "string", allOf: [{ pattern: "^\\d{6}$" }, { pattern: "^[0-7]" }] }) as string[])
      expect(value).toMatch(/^[0-7]\d{5}$/);
    // The first pattern alone rarely gives a string the second accepts: the run's retries find one.
    const schema: JsonSchema = { type: "string", allOf: [{ pattern: "^[a-f0-9]+$" }, { pattern: "^.{6}$" }] };
    const run = createGenerationRun(schema, { seed: "patterns", draft: "2020-12", dataActionId: "da" });
    for (let i = 0; i < 10; i++) {
      const instance = run.instance(`valid ${i}`, NATURAL);
      expect("value" in instance ? instance.value : instance.failure).toMatch(/^[a-f0-9]{6}$/);
    }
  });

  it.each([
    ["date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/],
    ["date", /^\d{4}-\d{2}-\d{2}$/],
    ["email", /^[^@\s]+@[^@\s]+\.[^@\s]+$/],
    ["uuid", /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i],
    ["ipv4", /^\d{1,3}(\.\d{1,3}){3}$/],
    ["uri", /^[a-z][a-z0-9+.-]*:/i],
  ])("builds strings in format %s that the validator accepts", (format, shape) => {
    for (const value of draws({ type: "string", format }, {}, 15)) expect(value).toMatch(shape);
  });

  it("builds date-time strings near the instance's clock", () => {
    for (const value of draws({ type: "string", format: "date-time" }, {}, 10) as string[]) {
      const distance = Math.abs(Date.parse(value) - INSTANT_MS);
      expect(distance).toBeLessThan(5 * 365 * 86_400_000);
    }
  });

  it("builds a format value within length limits when the format's usual values are too long", () => {
    for (const value of draws({ type: "string", format: "email", maxLength: 12 }, {}, 15) as string[]) {
      expect(value).toContain("@");
      expect(value.length).toBeLessThanOrEqual(12);
    }
  });

  it("takes the look of a value from the property's name", () => {
    const values = draws({ type: "object", required: ["email"], properties: { email: { type: "string" } } }, {}, 5) as Array<{
      email: string;
    }>;
    for (const { email } of values) expect(email).toContain("@");
  });

  it("builds strings at minLength with the low bias and at maxLength with the high bias", () => {
    const schema: JsonSchema = { type: "string", minLength: 3, maxLength: 11 };
    for (const value of draws(schema, { bias: "low" }, 10) as string[]) expect(codePointLength(value)).toBe(3);
    for (const value of draws(schema, { bias: "high" }, 10) as string[]) expect(codePointLength(value)).toBe(11);
  });
});

describe("InstanceBuilder: numbers", () => {
  it("builds numbers within minimum and maximum", () => {
    for (const value of draws({ type: "number", minimum: -2.5, maximum: 3.75 }) as number[]) {
      expect(typeof value).toBe("number");
      expect(value).toBeGreaterThanOrEqual(-2.5);
      expect(value).toBeLessThanOrEqual(3.75);
    }
  });

  it("builds numbers strictly inside exclusiveMinimum and exclusiveMaximum", () => {
    for (const value of draws({ type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }) as number[]) {
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
  });

  it("builds integers, never fractions, within their bounds", () => {
    const values = draws({ type: "integer", minimum: 10, maximum: 20 }) as number[];
    for (const value of values) {
      expect(Number.isInteger(value)).toBe(true);
      expect(value).toBeGreaterThanOrEqual(10);
      expect(value).toBeLessThanOrEqual(20);
    }
    expect(new Set(values).size).toBeGreaterThan(3);
  });

  it("builds the only integer an exclusive range leaves", () => {
    expect(new Set(draws({ type: "integer", exclusiveMinimum: 4, exclusiveMaximum: 6 }, {}, 10))).toEqual(new Set([5]));
  });

  it("builds multiples of multipleOf, also of a decimal step that floating point does not divide exactly", () => {
    for (const value of draws({ type: "number", multipleOf: 0.01, minimum: 0, maximum: 5 }) as number[]) expect(isMultipleOf(value, 0.01)).toBe(true);
    for (const value of draws({ type: "integer", multipleOf: 7, minimum: 20, maximum: 90 }) as number[]) {
      expect(value % 7).toBe(0);
      expect(value).toBeGreaterThanOrEqual(20);
      expect(value).toBeLessThanOrEqual(90);
    }
  });

  it("builds multiples of every multipleOf that allOf sets", () => {
    for (const value of draws({ type: "integer", allOf: [{ multipleOf: 4 }, { multipleOf: 6 }], minimum: 1, maximum: 100 }) as number[])
      expect(value % 12).toBe(0);
  });

  it("builds values at the bounds with the low and high biases, just inside exclusive ones", () => {
    expect(draws({ type: "integer", minimum: -3, maximum: 9 }, { bias: "low" }, 3)).toEqual([-3, -3, -3]);
    expect(draws({ type: "integer", minimum: -3, maximum: 9 }, { bias: "high" }, 3)).toEqual([9, 9, 9]);
    expect(draws({ type: "number", exclusiveMinimum: 1, maximum: 2 }, { bias: "low" }, 1)).toEqual([1.01]);
    expect(draws({ type: "number", minimum: 1, exclusiveMaximum: 2 }, { bias: "high" }, 1)).toEqual([1.99]);
    expect(draws({ type: "integer", multipleOf: 5, minimum: 3, maximum: 42 }, { bias: "low" }, 1)).toEqual([5]);
    expect(draws({ type: "integer", multipleOf: 5, minimum: 3, maximum: 42 }, { bias: "high" }, 1)).toEqual([40]);
  });

  it("keeps int32 and similar number formats within their range", () => {
    for (const value of draws({ type: "integer", format: "int32" }, { bias: "high" }, 1, "draft-07") as number[])
      expect(value).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});

describe("InstanceBuilder: booleans, null, enum and const", () => {
  it("builds both booleans", () => {
    expect(new Set(draws({ type: "boolean" }))).toEqual(new Set([true, false]));
  });

  it("builds null for the null type", () => {
    expect(new Set(draws({ type: "null" }, {}, 5))).toEqual(new Set([null]));
  });

  it("builds only enum values, and over enough draws every one of them", () => {
    expect(new Set(draws({ enum: ["red", "green", 3, null] }))).toEqual(new Set(["red", "green", 3, null]));
  });

  it("builds only the enum values the other keywords accept", () => {
    expect(new Set(draws({ type: "string", enum: ["a", 1, "bb", true], minLength: 2 }, {}, 10))).toEqual(new Set(["bb"]));
  });

  it("builds the const value, as a copy that does not share objects with the schema", () => {
    const schema = { const: { tags: ["x"], n: 1 } };
    const [value] = draws(schema, {}, 1) as Array<{ tags: string[] }>;
    expect(value).toEqual({ tags: ["x"], n: 1 });
    value!.tags.push("changed");
    expect(schema.const.tags).toEqual(["x"]);
  });

  it("mostly avoids null in a type union that allows it", () => {
    const values = draws({ type: ["string", "null"] }, {}, 40);
    expect(values.filter((v) => v === null).length).toBeLessThan(10);
    expect(values.some((v) => typeof v === "string")).toBe(true);
  });

  it("builds some value for an empty schema", () => {
    for (const value of draws({}, {}, 5)) expect(value).not.toBeUndefined();
  });
});

describe("InstanceBuilder: arrays", () => {
  it("builds between minItems and maxItems items, each valid against items", () => {
    const values = draws({ type: "array", items: { type: "integer", minimum: 0, maximum: 9 }, minItems: 2, maxItems: 4 }) as number[][];
    for (const value of values) {
      expect(value.length).toBeGreaterThanOrEqual(2);
      expect(value.length).toBeLessThanOrEqual(4);
      for (const item of value) expect(Number.isInteger(item)).toBe(true);
    }
    expect(new Set(values.map((v) => v.length)).size).toBeGreaterThan(1);
  });

  it("builds minItems items with the low bias and maxItems with the high bias", () => {
    const schema: JsonSchema = { type: "array", items: { type: "boolean" }, minItems: 1, maxItems: 5 };
    for (const value of draws(schema, { bias: "low" }, 5) as unknown[][]) expect(value).toHaveLength(1);
    for (const value of draws(schema, { bias: "high" }, 5) as unknown[][]) expect(value).toHaveLength(5);
  });

  it("builds tuples from prefixItems, with no more items than items: false allows", () => {
    const schema: JsonSchema = { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false, minItems: 1 };
    for (const value of draws(schema) as unknown[][]) {
      expect(value.length).toBeGreaterThanOrEqual(1);
      expect(value.length).toBeLessThanOrEqual(2);
      expect(typeof value[0]).toBe("string");
      if (value.length === 2) expect(Number.isInteger(value[1])).toBe(true);
    }
  });

  it("builds draft-07 tuples from an items array and additionalItems", () => {
    const schema: JsonSchema = { type: "array", items: [{ const: "head" }], additionalItems: { type: "number" }, minItems: 3 };
    for (const value of draws(schema, {}, 20, "draft-07") as unknown[][]) {
      expect(value[0]).toBe("head");
      for (const rest of value.slice(1)) expect(typeof rest).toBe("number");
    }
  });

  it("builds distinct items when uniqueItems is set", () => {
    for (const value of draws({ type: "array", items: { type: "integer", minimum: 1, maximum: 6 }, minItems: 5, uniqueItems: true }) as number[][])
      expect(new Set(value).size).toBe(value.length);
  });

  it("builds an array that contains an item matching contains, minContains times", () => {
    const schema: JsonSchema = { type: "array", items: { type: "integer" }, contains: { const: 42 }, minContains: 2 };
    for (const value of draws(schema) as number[][]) expect(value.filter((v) => v === 42).length).toBeGreaterThanOrEqual(2);
  });

  it("reports uniqueItems that the item schema cannot meet with enough distinct values", () => {
    const failure = failureOf({ type: "array", items: { type: "boolean" }, minItems: 3, uniqueItems: true });
    expect(failure.code).toBe("E_SCHEMA");
    expect(failure.message).toBe("cannot generate a value at /2: uniqueItems: the item schema allows too few distinct values");
  });
});

describe("InstanceBuilder: objects", () => {
  const person: JsonSchema = {
    type: "object",
    required: ["id", "name"],
    properties: {
      id: { type: "integer", minimum: 1 },
      name: { type: "string", minLength: 1 },
      nickname: { type: "string" },
      age: { type: "integer", minimum: 0, maximum: 130 },
    },
    additionalProperties: false,
  };

  it("always builds the required properties and sometimes the optional ones", () => {
    const values = draws(person) as Array<Record<string, unknown>>;
    for (const value of values) {
      expect(value).toHaveProperty("id");
      expect(value).toHaveProperty("name");
      for (const key of Object.keys(value)) expect(["id", "name", "nickname", "age"]).toContain(key);
    }
    expect(values.some((v) => "nickname" in v)).toBe(true);
    expect(values.some((v) => !("nickname" in v))).toBe(true);
  });

  it("leaves every optional property out at optionalRate 0 and puts every one in at optionalRate 1", () => {
    for (const value of draws(person, { optionalRate: 0 }, 10)) expect(Object.keys(value as object).sort()).toEqual(["id", "name"]);
    for (const value of draws(person, { optionalRate: 1 }, 10))
      expect(Object.keys(value as object).sort()).toEqual(["age", "id", "name", "nickname"]);
  });

  it("leaves optional properties out with the low bias and puts them in with the high bias, whatever the optional rate", () => {
    for (const value of draws(person, { bias: "low", optionalRate: 1 }, 5)) expect(Object.keys(value as object).sort()).toEqual(["id", "name"]);
    for (const value of draws(person, { bias: "high", optionalRate: 0 }, 5)) expect(Object.keys(value as object)).toHaveLength(4);
  });

  it("builds required properties the schema does not declare", () => {
    for (const value of draws({ type: "object", required: ["ticket"], additionalProperties: { type: "string" } }, {}, 10)) {
      expect(typeof (value as Record<string, unknown>)["ticket"]).toBe("string");
    }
  });

  it("builds only declared properties when additionalProperties is false, and extras of its schema otherwise", () => {
    for (const value of draws({ type: "object", additionalProperties: false }, {}, 10)) expect(value).toEqual({});
    const values = draws({ type: "object", additionalProperties: { type: "integer" } }) as Array<Record<string, unknown>>;
    for (const value of values) for (const inner of Object.values(value)) expect(Number.isInteger(inner)).toBe(true);
    expect(values.some((v) => Object.keys(v).length > 0)).toBe(true);
  });

  it("names extra properties after patternProperties and builds their values from its schema", () => {
    const schema: JsonSchema = {
      type: "object",
      patternProperties: { "^x-[a-z]+$": { type: "boolean" } },
      additionalProperties: false,
      minProperties: 2,
    };
    for (const value of draws(schema) as Array<Record<string, unknown>>) {
      expect(Object.keys(value).length).toBeGreaterThanOrEqual(2);
      for (const [key, inner] of Object.entries(value)) {
        expect(key).toMatch(/^x-[a-z]+$/);
        expect(typeof inner).toBe("boolean");
      }
    }
  });

  it("names extra properties as propertyNames allows", () => {
    const schema: JsonSchema = { type: "object", propertyNames: { pattern: "^[A-Z]{2}$" }, minProperties: 3 };
    for (const value of draws(schema) as Array<Record<string, unknown>>) {
      expect(Object.keys(value).length).toBeGreaterThanOrEqual(3);
      for (const key of Object.keys(value)) expect(key).toMatch(/^[A-Z]{2}$/);
    }
  });

  it("builds between minProperties and maxProperties properties", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { a: { type: "integer" }, b: { type: "integer" }, c: { type: "integer" }, d: { type: "integer" } },
      minProperties: 2,
      maxProperties: 3,
    };
    for (const value of draws(schema, { optionalRate: 1 }, 10)) expect(Object.keys(value as object)).toHaveLength(3);
    for (const value of draws(schema, { optionalRate: 0 }, 10)) expect(Object.keys(value as object)).toHaveLength(2);
  });

  it("builds the properties dependentRequired asks for once their trigger is present", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { card: { type: "string" }, billing: { type: "string" }, zip: { type: "string" } },
      dependentRequired: { card: ["billing"], billing: ["zip"] },
    };
    const values = draws(schema) as Array<Record<string, unknown>>;
    for (const value of values) if ("card" in value) expect(Object.keys(value)).toEqual(expect.arrayContaining(["billing", "zip"]));
    expect(values.some((v) => "card" in v)).toBe(true);
  });

  it("builds the properties draft-07 dependencies name, and checks its schema form", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { a: { type: "integer" }, b: { type: "integer" }, c: { type: "string" } },
      dependencies: { a: ["b"], c: { required: ["a"] } },
    };
    const values = draws(schema, {}, DRAWS, "draft-07") as Array<Record<string, unknown>>;
    for (const value of values) {
      if ("a" in value) expect(value).toHaveProperty("b");
      if ("c" in value) expect(value).toHaveProperty("a");
    }
  });

  it("nests objects and arrays, building each level from its own schema", () => {
    const schema: JsonSchema = {
      type: "object",
      required: ["orders"],
      properties: {
        orders: {
          type: "array",
          minItems: 1,
          items: {
            type: "object",
            required: ["sku", "qty"],
            properties: { sku: { type: "string", pattern: "^SKU-\\d{4}$" }, qty: { type: "integer", minimum: 1, maximum: 9 } },
          },
        },
      },
    };
    for (const value of draws(schema) as Array<{ orders: Array<{ sku: string; qty: number }> }>) {
      expect(value.orders.length).toBeGreaterThanOrEqual(1);
      for (const order of value.orders) expect(order.sku).toMatch(/^SKU-\d{4}$/);
    }
  });
});

describe("InstanceBuilder: composition and $ref", () => {
  it("merges allOf branches into one value that satisfies all of them", () => {
    const schema: JsonSchema = {
      allOf: [
        { type: "object", required: ["a"], properties: { a: { type: "integer", minimum: 5 } } },
        { required: ["b"], properties: { a: { maximum: 7 }, b: { const: "x" } } },
      ],
    };
    for (const value of draws(schema) as Array<{ a: number; b: string }>) {
      expect(value.a).toBeGreaterThanOrEqual(5);
      expect(value.a).toBeLessThanOrEqual(7);
      expect(value.b).toBe("x");
    }
  });

  it("builds from each anyOf branch over enough draws", () => {
    const values = draws({
      anyOf: [
        { type: "string", maxLength: 3 },
        { type: "integer", minimum: 100 },
      ],
    });
    expect(new Set(values.map((v) => typeof v))).toEqual(new Set(["string", "number"]));
  });

  it("builds values that match exactly one oneOf branch, also where branches overlap", () => {
    const schema: JsonSchema = { type: "integer", minimum: 0, maximum: 30, oneOf: [{ multipleOf: 2 }, { multipleOf: 3 }] };
    const values = draws(schema) as number[];
    for (const value of values) expect((value % 2 === 0) !== (value % 3 === 0)).toBe(true);
  });

  it("builds values outside not", () => {
    for (const value of draws({ type: "integer", minimum: 1, maximum: 4, not: { const: 2 } }) as number[]) expect(value).not.toBe(2);
  });

  it("builds then-values when the if holds and else-values when it does not", () => {
    const schema: JsonSchema = {
      type: "object",
      required: ["kind", "value"],
      properties: { kind: { enum: ["num", "text"] } },
      if: { properties: { kind: { const: "num" } } },
      then: { properties: { value: { type: "integer" } } },
      else: { properties: { value: { type: "string" } } },
    };
    const values = draws(schema) as Array<{ kind: string; value: unknown }>;
    for (const { kind, value } of values) expect(typeof value).toBe(kind === "num" ? "number" : "string");
    expect(new Set(values.map((v) => v.kind))).toEqual(new Set(["num", "text"]));
  });

  it("follows local $refs into $defs and definitions", () => {
    const schema: JsonSchema = {
      type: "object",
      required: ["home"],
      properties: { home: { $ref: "#/$defs/address" } },
      $defs: { address: { type: "object", required: ["zip"], properties: { zip: { type: "string", pattern: "^\\d{5}$" } } } },
    };
    for (const value of draws(schema) as Array<{ home: { zip: string } }>) expect(value.home.zip).toMatch(/^\d{5}$/);
    const old: JsonSchema = { definitions: { id: { type: "integer", minimum: 7, maximum: 7 } }, $ref: "#/definitions/id" };
    expect(draws(old, {}, 3, "draft-07")).toEqual([7, 7, 7]);
  });

  it("ends a recursive $ref whose recursion is optional", () => {
    const tree: JsonSchema = {
      $defs: {
        node: {
          type: "object",
          required: ["v"],
          properties: { v: { type: "integer" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
        },
      },
      $ref: "#/$defs/node",
    };
    for (const value of draws(tree, { optionalRate: 1, bias: "high" }, 3)) expect(value).toHaveProperty("v");
  });
});

describe("InstanceBuilder: sites", () => {
  it("lists every value made, parents before children, with pointers, types and whether each is optional", () => {
    const builder = builderFor(
      {
        type: "object",
        required: ["a"],
        properties: { a: { type: "array", items: { type: "string" }, minItems: 2, maxItems: 2 }, "b/c": { type: "integer" } },
      },
      "sites",
      { sites: true, optionalRate: 1 },
    );
    builder.build();
    const listed = builder.sites.map((s: Site) => [s.pointer, s.type, s.optional]);
    expect(listed).toEqual([
      ["", "object", false],
      ["/a", "array", false],
      ["/a/0", "string", false],
      ["/a/1", "string", false],
      ["/b~1c", "integer", true],
    ]);
  });

  it("lists no sites when the settings do not ask for them", () => {
    const builder = builderFor({ type: "object", required: ["a"], properties: { a: { type: "string" } } }, "no sites");
    builder.build();
    expect(builder.sites).toEqual([]);
  });

  it("rebuilds a site at an exact length, an item count or a numeric bound", () => {
    const builder = builderFor(
      {
        type: "object",
        required: ["s", "n", "l"],
        properties: {
          s: { type: "string", minLength: 2, maxLength: 8 },
          n: { type: "number", minimum: 3, maximum: 4 },
          l: { type: "array", items: { type: "null" } },
        },
      },
      "rebuild",
      { sites: true },
    );
    builder.build();
    const site = (pointer: string): Site => builder.sites.find((s) => s.pointer === pointer)!;
    expect(builder.rebuild(site("/s"), { length: 8 })).toHaveLength(8);
    expect(builder.rebuild(site("/n"), { bound: "low" })).toBe(3);
    expect(builder.rebuild(site("/n"), { bound: "high" })).toBe(4);
    expect(builder.rebuild(site("/l"), { count: 4 })).toEqual([null, null, null, null]);
  });
});

describe("InstanceBuilder: determinism", () => {
  const schema: JsonSchema = {
    type: "object",
    required: ["id", "code", "score", "tags"],
    properties: {
      id: { type: "integer", minimum: 1, maximum: 1000 },
      code: { type: "string", pattern: "^[A-Z]{2}\\d{3}$" },
      score: { type: "number", minimum: 0, maximum: 1 },
      tags: { type: "array", items: { enum: ["a", "b", "c"] }, uniqueItems: true, maxItems: 3 },
      note: { type: "string", maxLength: 10 },
    },
    additionalProperties: false,
  };

  it("builds the same instance from the same seed, and a different one from another seed", () => {
    const first = builderFor(schema, "seed-1").build();
    expect(builderFor(schema, "seed-1").build()).toEqual(first);
    expect(builderFor(schema, "seed-2").build()).not.toEqual(first);
  });

  it("builds pinned instances for pinned seeds", () => {
    expect(builderFor(schema, "pinned").build()).toMatchInlineSnapshot(`
      {
        "code": "TK345",
        "id": 377,
        "score": 1,
        "tags": [
          "b",
          "c",
        ],
      }
    `);
    expect(builderFor({ type: "string", minLength: 5, maxLength: 5 }, "pinned").build()).toMatchInlineSnapshot(`"falco"`);
    expect(builderFor({ type: "integer", minimum: 0, maximum: 1_000_000 }, "pinned").build()).toMatchInlineSnapshot(`741254`);
  });

  it("gives the same instances through a generation run for the same seed and key", () => {
    const valueOf = (seed: string, key: string): unknown => {
      const instance = createGenerationRun(schema, { seed, draft: "2020-12", dataActionId: "da" }).instance(key, NATURAL);
      if (!("value" in instance)) throw new Error(instance.failure);
      return instance.value;
    };
    const first = valueOf("s", "valid 0");
    expect(valueOf("s", "valid 0")).toEqual(first);
    expect(valueOf("s", "valid 1")).not.toEqual(first);
    expect(valueOf("t", "valid 0")).not.toEqual(first);
    expect(first).toMatchInlineSnapshot(`
      {
        "code": "BZ565",
        "id": 84,
        "note": "orbit-orb",
        "score": 1,
        "tags": [
          "a",
        ],
      }
    `);
  });
});

describe("InstanceBuilder: failures", () => {
  it.each<[string, JsonSchema, string]>([
    [
      "minLength above maxLength",
      { type: "string", minLength: 5, maxLength: 2 },
      "cannot generate a value at /: minLength 5 is greater than maxLength 2",
    ],
    ["minimum above maximum", { type: "number", minimum: 5, maximum: 2 }, "cannot generate a value at /: the minimum (5) is above the maximum (2)"],
    ["no integer in range", { type: "integer", minimum: 1.2, maximum: 1.8 }, "cannot generate a value at /: no integer lies between 1.2 and 1.8"],
    [
      "no multiple in range",
      { type: "integer", multipleOf: 10, minimum: 1, maximum: 9 },
      "cannot generate a value at /: no multiple of 10 lies between 1 and 9",
    ],
    [
      "minItems above maxItems",
      { type: "array", minItems: 3, maxItems: 1 },
      "cannot generate a value at /: minItems 3 is greater than the 1 items allowed",
    ],
    [
      "an enum the type rejects",
      { type: "string", enum: [1, 2] },
      "cannot generate a value at /: none of the allowed values (1, 2) satisfies the other keywords",
    ],
    ["every anyOf branch false", { anyOf: [false, false] }, "cannot generate a value at /: every anyOf branch is false"],
    ["every oneOf branch false", { oneOf: [false] }, "cannot generate a value at /: every oneOf branch is false"],
    [
      "required past maxProperties",
      { type: "object", required: ["a", "b"], maxProperties: 1 },
      "cannot generate a value at /: 2 required properties exceed maxProperties 1",
    ],
  ])("reports an unsatisfiable schema (%s) as E_SCHEMA naming the reason", (_, schema, message) => {
    const failure = failureOf(schema);
    expect(failure.code).toBe("E_SCHEMA");
    expect(failure.message).toBe(message);
  });

  it("names the JSON Pointer of the value that could not be made", () => {
    const failure = failureOf({
      type: "object",
      required: ["outer"],
      properties: { outer: { type: "object", required: ["a/b"], properties: { "a/b": { type: "string", minLength: 3, maxLength: 1 } } } },
    });
    expect(failure.message).toBe("cannot generate a value at /outer/a~1b: minLength 3 is greater than maxLength 1");
    expect(failure.context).toEqual({ path: "/outer/a~1b" });
  });

  it("leaves out an optional property that cannot be made instead of failing", () => {
    const schema: JsonSchema = {
      type: "object",
      required: ["a"],
      properties: { a: { type: "integer" }, broken: { type: "string", minLength: 3, maxLength: 1 } },
    };
    for (const value of draws(schema, { optionalRate: 1 }, 5)) expect(Object.keys(value as object)).toEqual(["a"]);
  });

  it("reports a required recursion that never ends", () => {
    const failure = failureOf({
      $defs: { loop: { type: "object", required: ["next"], properties: { next: { $ref: "#/$defs/loop" } } } },
      $ref: "#/$defs/loop",
    });
    expect(failure.code).toBe("E_SCHEMA");
    expect(failure.message).toMatch(/nesting deeper than 32 levels/);
  });

  it("reports a pattern no string within the lengths matches, naming the pattern", () => {
    const failure = failureOf({ type: "string", pattern: "^a{5}$", maxLength: 3 });
    expect(failure.message).toMatch(
      /^cannot generate a value at \/: no string matching pattern "\^a\{5\}\$" with 0–3 characters was found in 12 attempts/,
    );
  });

  it("reports a forced string longer than the generator builds", () => {
    const failure = failureOf({ type: "string", minLength: 5000 }, { bias: "low" });
    expect(failure.message).toBe("cannot generate a value at /: a string of 5000 characters is longer than the generator builds (4096)");
  });

  it("returns the last failure from a generation run that cannot make a valid instance", () => {
    const run = createGenerationRun({ type: "integer", minimum: 3, maximum: 1 }, { seed: "s", draft: "2020-12", dataActionId: "da" });
    expect(run.instance("valid 0", NATURAL)).toEqual({ failure: "cannot generate a value at /: the minimum (3) is above the maximum (1)" });
  });
});

describe("isMultipleOf", () => {
  it("accepts a value only when its quotient by the step is a whole number, as ajv does", () => {
    expect(isMultipleOf(12, 4)).toBe(true);
    expect(isMultipleOf(13, 4)).toBe(false);
    expect(isMultipleOf(0.3, 0.1)).toBe(false);
    expect(isMultipleOf(0.5, 0.1)).toBe(true);
  });
});

// Bugs found while writing these tests, reported rather than fixed here: each `it.fails` states the behaviour
// wanted, passes while the bug is there, and fails once it is fixed (then drop `.fails`).
describe("InstanceBuilder: known bugs", () => {
  it.fails("builds a negative number for exclusiveMaximum 0 without a minimum (bug: the range closes to [0, 0])", () => {
    for (const value of draws({ type: "number", exclusiveMaximum: 0 }, {}, 5) as number[]) expect(value).toBeLessThan(0);
  });

  it.fails("builds a negative integer for exclusiveMaximum 0 without a minimum (bug: no integer lies between 0 and 0)", () => {
    for (const value of draws({ type: "integer", exclusiveMaximum: 0 }, {}, 5) as number[]) expect(value).toBeLessThan(0);
  });

  it.fails("names extra properties from a propertyNames enum (bug: extraName ignores enum and const)", () => {
    for (const value of draws({ type: "object", propertyNames: { enum: ["a", "b"] }, minProperties: 1 }, {}, 5))
      expect(["a", "b"]).toContain(Object.keys(value as object)[0]);
  });

  it.fails("builds at most maxContains items matching contains (bug: maxContains is gathered but never planned)", () => {
    const schema: JsonSchema = {
      type: "array",
      items: { type: "integer", minimum: 1, maximum: 2 },
      contains: { const: 1 },
      maxContains: 1,
      minItems: 4,
    };
    for (const value of draws(schema, {}, 10) as number[][]) expect(value.filter((v) => v === 1)).toHaveLength(1);
  });

  it.fails("keeps the extra properties of a free-form object within maxProperties (bug: the 0–2 extras ignore it)", () => {
    for (const value of draws({ type: "object", maxProperties: 1 }, {}, 20)) expect(Object.keys(value as object).length).toBeLessThanOrEqual(1);
  });

  it.fails("keeps a property that dependentRequired needs when maxProperties trims optional ones (bug: trimmed in reverse order)", () => {
    const schema: JsonSchema = {
      type: "object",
      properties: { a: { type: "integer" }, b: { type: "integer" } },
      dependentRequired: { a: ["b"] },
      maxProperties: 1,
    };
    draws(schema, { bias: "high" }, 3);
  });
});
