import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import type { JsonSchema } from "../core/types.js";
import { createValidator } from "../validation/create-validator.js";
import { valueAtPointer } from "../validation/json-pointer.js";
import { generatePayloads, resolveGeneratePayloadsOptions } from "./generate-payloads.js";

/** A schema that uses every keyword the generator plans for. */
const EVERY_KEYWORD = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  required: [
    "id",
    "code",
    "kind",
    "version",
    "score",
    "ratio",
    "tags",
    "when",
    "day",
    "at",
    "site",
    "host",
    "ip",
    "contact",
    "shape",
    "choice",
    "level",
    "anything",
    "money",
    "pair",
  ],
  additionalProperties: false,
  definitions: {
    money: {
      type: "object",
      required: ["amount", "currency"],
      additionalProperties: false,
      properties: { amount: { type: "number", minimum: 0, exclusiveMaximum: 10000, multipleOf: 0.01 }, currency: { enum: ["USD", "EUR", "GBP"] } },
    },
  },
  $defs: { label: { type: "string", minLength: 2, maxLength: 8, pattern: "^[a-z]+$" } },
  properties: {
    id: { type: "string", format: "uuid" },
    code: { type: "string", pattern: "^[A-Z]{2}-\\d{3,5}(-[a-z]+)?$", minLength: 9, maxLength: 11 },
    kind: { enum: ["voice", "chat", 3, null] },
    version: { const: 2 },
    score: { type: "integer", minimum: 0, maximum: 100, multipleOf: 5 },
    ratio: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
    tags: { type: "array", items: { $ref: "#/$defs/label" }, minItems: 1, maxItems: 4, uniqueItems: true },
    when: { type: "string", format: "date-time" },
    day: { type: "string", format: "date" },
    at: { type: "string", format: "time" },
    email: { type: "string", format: "email" },
    site: { type: "string", format: "uri" },
    host: { type: "string", format: "hostname" },
    ip: { type: "string", format: "ipv4" },
    contact: {
      allOf: [
        { type: "object", required: ["name"], properties: { name: { type: "string", minLength: 1 } } },
        { required: ["phone"], properties: { phone: { type: "string", pattern: "^\\+[1-9]\\d{7,12}$" } } },
      ],
    },
    shape: {
      oneOf: [
        { type: "object", required: ["radius"], properties: { radius: { type: "number", minimum: 1 } }, additionalProperties: false },
        { type: "object", required: ["side"], properties: { side: { type: "integer", minimum: 1 } }, additionalProperties: false },
      ],
    },
    // Exactly one branch: a multiple of 15 matches both and must never be generated.
    choice: {
      oneOf: [
        { type: "integer", multipleOf: 3 },
        { type: "integer", multipleOf: 5 },
      ],
    },
    level: {
      anyOf: [
        { type: "string", maxLength: 3 },
        { type: "integer", minimum: 10 },
      ],
    },
    nullable: { type: ["string", "null"] },
    anything: true,
    never: false,
    money: { $ref: "#/definitions/money" },
    extra: { type: "object", additionalProperties: { type: "integer" }, minProperties: 2 },
    pair: { type: "array", items: [{ type: "string" }, { type: "boolean" }], additionalItems: false, minItems: 2 },
  },
} as const satisfies JsonSchema;

function issuesOf(schema: JsonSchema, value: unknown): string[] {
  return createValidator(schema, { side: "input" })
    .validate(value)
    .map((issue) => `${issue.path} ${issue.keyword}: ${issue.message}`);
}

describe("generatePayloads in valid mode", () => {
  it("gives the same payloads for the same seed and different ones for another seed", () => {
    const first = generatePayloads(EVERY_KEYWORD, { count: 10, seed: "same" });
    const again = generatePayloads(EVERY_KEYWORD, { count: 10, seed: "same" });
    const other = generatePayloads(EVERY_KEYWORD, { count: 10, seed: "other" });
    expect(JSON.stringify(again)).toBe(JSON.stringify(first));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(first));
  });

  it("draws from its own seeded stream, so the output is fixed for a seed on every machine", () => {
    const values = generatePayloads({ type: "string", pattern: "^[A-Z]{3}-\\d{2}$" }, { count: 3, seed: "golden" }).map((p) => p.payload);
    expect(values).toEqual(["WOL-88", "DSC-36", "LYN-47"]);
  });

  it("returns only payloads the validator accepts, for a schema using every planned keyword", () => {
    for (const seed of [1, 2, 3]) {
      const payloads = generatePayloads(EVERY_KEYWORD, { count: 100, seed });
      expect(payloads).toHaveLength(100);
      for (const { payload } of payloads) expect(issuesOf(EVERY_KEYWORD, payload)).toEqual([]);
    }
  });

  it("honours each keyword, not just the validator's overall verdict", () => {
    const payloads = generatePayloads(EVERY_KEYWORD, { count: 60, seed: "keywords" }).map((p) => p.payload as Record<string, unknown>);
    for (const p of payloads) {
      expect(p.code).toMatch(/^[A-Z]{2}-\d{3,5}(-[a-z]+)?$/);
      expect(String(p.code).length).toBeGreaterThanOrEqual(9);
      expect(String(p.code).length).toBeLessThanOrEqual(11);
      expect(p.version).toBe(2);
      expect((p.score as number) % 5).toBe(0);
      expect(p.ratio).toBeGreaterThan(0);
      expect(p.ratio).toBeLessThan(1);
      expect(new Set(p.tags as string[]).size).toBe((p.tags as string[]).length);
      expect((p.choice as number) % 15).not.toBe(0);
      expect(p).not.toHaveProperty("never");
      expect(p.contact).toEqual({ name: expect.any(String), phone: expect.stringMatching(/^\+[1-9]\d{7,12}$/) });
    }
    // Optional properties come and go; branches of anyOf and oneOf are all used.
    expect(payloads.some((p) => "email" in p) && payloads.some((p) => !("email" in p))).toBe(true);
    expect(payloads.some((p) => "radius" in (p.shape as object)) && payloads.some((p) => "side" in (p.shape as object))).toBe(true);
    expect(payloads.some((p) => typeof p.level === "string") && payloads.some((p) => typeof p.level === "number")).toBe(true);
  });

  it("reads draft-04 exclusive bounds and 2020-12 prefixItems and $defs", () => {
    const draft04 = {
      $schema: "http://json-schema.org/draft-04/schema#",
      type: "integer",
      minimum: 1,
      exclusiveMinimum: true,
      maximum: 3,
      exclusiveMaximum: true,
    };
    expect(generatePayloads(draft04, { count: 5 }).map((p) => p.payload)).toEqual([2, 2, 2, 2, 2]);
    const tuple = {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "array",
      prefixItems: [{ $ref: "#/$defs/id" }, { type: "integer", minimum: 1, maximum: 1 }],
      items: false,
      minItems: 2,
      $defs: { id: { type: "string", const: "x" } },
    };
    expect(generatePayloads(tuple, { count: 3 }).map((p) => p.payload)).toEqual([
      ["x", 1],
      ["x", 1],
      ["x", 1],
    ]);
  });

  it("follows recursive $refs without running away", () => {
    const tree = {
      definitions: {
        node: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/definitions/node" } } },
        },
      },
      $ref: "#/definitions/node",
    };
    for (const { payload } of generatePayloads(tree, { count: 30, seed: "tree" })) expect(issuesOf(tree, payload)).toEqual([]);
  });

  it("makes field values look like what their names say", () => {
    const schema = {
      type: "object",
      required: ["customerId", "email", "startDate", "endDate"],
      properties: { customerId: { type: "string" }, email: { type: "string" }, startDate: { type: "string" }, endDate: { type: "string" } },
    };
    for (const { payload } of generatePayloads(schema, { count: 10 })) {
      const p = payload as Record<string, string>;
      expect(p.customerId).toMatch(/^CUST-\d{4}$/);
      expect(p.email).toMatch(/^[a-z]+\.[a-z]+@[a-z.]*example\.(com|org|net)$/);
      expect(Date.parse(p.startDate!)).toBeLessThan(Date.parse(p.endDate!));
    }
  });

  it("gives a schema that allows anything (an action without an input schema) realistic triggers", () => {
    for (const schema of [true, {}, { title: "anything" }]) {
      const [first] = generatePayloads(schema, { count: 1, dataActionId: "da-open" });
      expect(first?.payload).toMatchObject({
        dataActionId: "da-open",
        triggerId: expect.stringMatching(/^tr-\d{6}$/),
        interaction: expect.any(Object),
        contact: expect.any(Object),
        data: expect.any(Object),
      });
    }
  });

  it("reports a pattern it cannot satisfy as E_SCHEMA naming the pattern", () => {
    const tooLong = { type: "string", pattern: "^[a-z]{10}$", maxLength: 5 };
    expect(() => generatePayloads(tooLong)).toThrow(/pattern "\^\[a-z\]\{10\}\$"/);
    const backreference = { type: "string", pattern: "^(a+)\\1$" };
    let error: unknown;
    try {
      generatePayloads(backreference);
    } catch (caught) {
      error = caught;
    }
    expect(hasErrorCode(error, "E_SCHEMA")).toBe(true);
    expect(String((error as Error).message)).toContain('"^(a+)\\\\1$"');
    expect(String((error as Error).message)).toContain("backreference");
  });

  it("reports a schema no value satisfies instead of returning something invalid", () => {
    expect(() => generatePayloads(false)).toThrow(expect.objectContaining({ code: "E_SCHEMA" }));
    expect(() => generatePayloads({ allOf: [{ type: "string" }, { type: "integer" }] })).toThrow(/no type in common/);
    // ajv resolves the meta-schema by its URI; the generator only follows refs inside the schema itself.
    expect(() => generatePayloads({ $ref: "http://json-schema.org/draft-07/schema#" })).toThrow(/not a local JSON Pointer/);
  });
});

describe("generatePayloads in boundary mode", () => {
  const schema = {
    type: "object",
    required: ["name", "score", "items"],
    properties: {
      name: { type: "string", minLength: 2, maxLength: 6 },
      score: { type: "number", minimum: 0, exclusiveMaximum: 10 },
      items: { type: "array", items: { type: "integer" }, maxItems: 3 },
      note: { type: "string" },
    },
  } as const;

  it("labels each boundary and puts the value exactly there, in a payload that validates", () => {
    const cases = generatePayloads(schema, { mode: "boundary", seed: 7 });
    const byLabel = new Map(cases.map((c) => [c.label, c.payload as Record<string, unknown>]));
    for (const { payload } of cases) expect(issuesOf(schema, payload)).toEqual([]);
    expect([...byLabel.keys()]).toEqual(
      expect.arrayContaining([
        "minimal: required properties only, every bound at its low end",
        "maximal: every optional property present, every bound at its high end",
        "/name at minLength 2",
        "/name at maxLength 6",
        "/score at minimum 0",
        "/score just below exclusiveMaximum 10",
        "/items empty array (no minItems)",
        "/items at maxItems 3",
        "/note absent (optional)",
        "/note empty string (no minLength)",
      ]),
    );
    expect(String(byLabel.get("/name at minLength 2")?.name)).toHaveLength(2);
    expect(String(byLabel.get("/name at maxLength 6")?.name)).toHaveLength(6);
    expect(byLabel.get("/score at minimum 0")?.score).toBe(0);
    expect(byLabel.get("/score just below exclusiveMaximum 10")?.score).toBeLessThan(10);
    expect(byLabel.get("/score just below exclusiveMaximum 10")?.score).toBeGreaterThan(9.9);
    expect(byLabel.get("/items empty array (no minItems)")?.items).toEqual([]);
    expect(byLabel.get("/items at maxItems 3")?.items).toHaveLength(3);
    expect(byLabel.get("/note absent (optional)")).not.toHaveProperty("note");
    expect(byLabel.get("minimal: required properties only, every bound at its low end")).toMatchObject({ score: 0, items: [] });
    expect(Object.keys(byLabel.get("minimal: required properties only, every bound at its low end") ?? {}).sort()).toEqual([
      "items",
      "name",
      "score",
    ]);
  });

  it("caps the list at count", () => {
    expect(generatePayloads(schema, { mode: "boundary", count: 3 })).toHaveLength(3);
  });
});

describe("generatePayloads in invalid mode", () => {
  it("breaks exactly the labelled rule at the labelled path, and nothing else", () => {
    for (const seed of [1, 2]) {
      const mutations = generatePayloads(EVERY_KEYWORD, { mode: "invalid", seed });
      expect(mutations.length).toBeGreaterThan(20);
      const validator = createValidator(EVERY_KEYWORD, { side: "input" });
      for (const mutation of mutations) {
        const issues = validator.validate(mutation.payload);
        expect(issues.length, mutation.label).toBeGreaterThan(0);
        for (const issue of issues)
          expect({ keyword: issue.keyword, path: issue.path }, mutation.label).toEqual({ keyword: mutation.rule, path: mutation.path });
        expect(mutation.label.startsWith(`${mutation.rule}: `)).toBe(true);
      }
    }
  });

  it("covers wrong type, missing required, range, length, enum, const, pattern, format and closed objects", () => {
    const rules = new Set(generatePayloads(EVERY_KEYWORD, { mode: "invalid", seed: 3 }).map((m) => `${m.rule} ${m.path}`));
    for (const expected of [
      "type /id",
      "required /code",
      "minimum /score",
      "maximum /score",
      "exclusiveMinimum /ratio",
      "exclusiveMaximum /ratio",
      "multipleOf /score",
      "minLength /tags/0",
      "maxLength /tags/0",
      "minItems /tags",
      "maxItems /tags",
      "uniqueItems /tags",
      "enum /money/currency",
      "const /version",
      "pattern /contact/phone",
      "format /when",
      "format /ip",
      "additionalProperties /unexpectedField",
      "required /contact/phone",
    ]) {
      expect(rules, expected).toContain(expected);
    }
  });

  it("changes only the value at the path", () => {
    const schema = { type: "object", required: ["a", "b"], properties: { a: { type: "integer", maximum: 5 }, b: { type: "string" } } };
    const [valid] = generatePayloads(schema, { mode: "boundary", count: 1 });
    const mutations = generatePayloads(schema, { mode: "invalid" });
    const above = mutations.find((m) => m.rule === "maximum");
    expect(above).toMatchObject({ path: "/a", payload: { a: 6 } });
    expect(valueAtPointer(above?.payload, "/b")).toEqual(expect.any(String));
    expect(valid).toBeDefined();
  });
});

describe("resolveGeneratePayloadsOptions", () => {
  it("applies the defaults", () => {
    expect(resolveGeneratePayloadsOptions({ type: "object" })).toEqual({
      count: 5,
      seed: "cxda",
      mode: "valid",
      draft: "draft-07",
      dataActionId: "da-test-12345",
    });
    expect(resolveGeneratePayloadsOptions({ type: "object" }, { mode: "invalid", seed: 7 })).toMatchObject({ count: Infinity, seed: "7" });
  });

  it("rejects a count, mode or seed that cannot work", () => {
    expect(() => resolveGeneratePayloadsOptions(true, { count: 0 })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
    expect(() => resolveGeneratePayloadsOptions(true, { count: 2.5 })).toThrow(/whole number/);
    expect(() => resolveGeneratePayloadsOptions(true, { mode: "weird" as "valid" })).toThrow(/mode must be one of/);
    expect(() => resolveGeneratePayloadsOptions(true, { seed: "" })).toThrow(/seed/);
  });
});
