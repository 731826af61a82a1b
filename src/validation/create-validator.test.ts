import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import type { JsonSchema, ValidationIssue } from "../core/types.js";
import { createValidator } from "./create-validator.js";
import { formatIssue } from "./format-issue.js";
import { compileSchema, compiledSchemaCount } from "./schema-compiler.js";

/** The output schema of the reference action (fixtures/billing-callback/definition.json). */
const billingOutput = {
  $schema: "http://json-schema.org/draft-07/schema#",
  type: "object",
  additionalProperties: false,
  required: ["recordId", "customerId", "issueCategory", "priority", "resolutionScore", "processedAt"],
  properties: {
    recordId: { type: "string", pattern: "^rec-" },
    customerId: { type: "string", minLength: 1 },
    issueCategory: { type: "string", enum: ["billing", "technical", "account", "general"] },
    priority: { type: "string", enum: ["high", "standard"] },
    resolutionScore: { type: "integer", minimum: 0, maximum: 100 },
    processedAt: { type: "string", format: "date-time" },
  },
};

const goodOutput = {
  recordId: "rec-i-774421",
  customerId: "CUST-4412",
  issueCategory: "billing",
  priority: "high",
  resolutionScore: 87,
  processedAt: "2026-11-20T10:00:00.000Z",
};

function lines(schema: JsonSchema, value: unknown, side: "input" | "output" = "output"): string[] {
  return createValidator(schema, { side }).validate(value).map(formatIssue);
}

function thrownBy(fn: () => unknown): Error & { code?: string; context?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("createValidator on the billing-callback output schema", () => {
  const validator = createValidator(billingOutput, { side: "output" });

  it("accepts the output the reference trigger should produce", () => {
    expect(validator.validate(goodOutput)).toEqual([]);
  });

  it('reports a score that arrives as the string "87"', () => {
    expect(validator.validate({ ...goodOutput, resolutionScore: "87" })).toEqual<ValidationIssue[]>([
      {
        side: "output",
        path: "/resolutionScore",
        keyword: "type",
        expected: "integer",
        actual: "87",
        message: 'must be integer, got string "87"',
      },
    ]);
  });

  it("reports a fractional score as not an integer", () => {
    expect(validator.validate({ ...goodOutput, resolutionScore: 87.5 }).map(formatIssue)).toEqual([
      "output /resolutionScore: must be integer, got number 87.5",
    ]);
  });

  it("reports a score above the maximum", () => {
    const [issue] = validator.validate({ ...goodOutput, resolutionScore: 140 });
    expect(issue).toMatchObject({ keyword: "maximum", expected: "<= 100", actual: 140 });
    expect(issue && formatIssue(issue)).toBe("output /resolutionScore: must be <= 100, got number 140");
  });

  it("reports a category outside the enum with the allowed values", () => {
    const [issue] = validator.validate({ ...goodOutput, issueCategory: "refund" });
    expect(issue).toMatchObject({ keyword: "enum", expected: ["billing", "technical", "account", "general"], actual: "refund" });
    expect(issue?.message).toBe('must be one of "billing", "technical", "account", "general", got string "refund"');
  });

  it("collects every failure in one pass, not just the first", () => {
    const issues = validator.validate({ ...goodOutput, resolutionScore: "87", issueCategory: "refund", recordId: "x", extra: 1 });
    expect(issues.map((i) => `${i.path} ${i.keyword}`).sort()).toEqual([
      "/extra additionalProperties",
      "/issueCategory enum",
      "/recordId pattern",
      "/resolutionScore type",
    ]);
  });
});

describe("issue messages per keyword", () => {
  it("points a required failure at the missing property", () => {
    const schema = { type: "object", required: ["interaction"] };
    const issues = createValidator(schema, { side: "input" }).validate({});
    expect(issues).toEqual([
      { side: "input", path: "/interaction", keyword: "required", expected: "present", actual: undefined, message: "is required" },
    ]);
    expect(issues.map(formatIssue)).toEqual(["input /interaction: is required"]);
  });

  it("escapes a missing property name that contains / or ~", () => {
    const [issue] = createValidator({ required: ["a/b~c"] }, { side: "input" }).validate({});
    expect(issue?.path).toBe("/a~1b~0c");
  });

  it("points an additionalProperties failure at the extra property and shows its value", () => {
    const [issue] = createValidator({ type: "object", additionalProperties: false }, { side: "output" }).validate({ note: "hi" });
    expect(issue).toMatchObject({ path: "/note", actual: "hi", keyword: "additionalProperties" });
    expect(issue?.message).toBe("must not be present (additionalProperties is false)");
  });

  it("explains pattern, format, minLength, maxLength and const", () => {
    const schema = {
      properties: {
        id: { pattern: "^rec-" },
        at: { format: "date-time" },
        name: { minLength: 1 },
        code: { maxLength: 2 },
        kind: { const: "callback" },
      },
    };
    expect(lines(schema, { id: "x", at: "yesterday", name: "", code: "WU-04", kind: "call" })).toEqual([
      'output /id: must match pattern "^rec-", got string "x"',
      'output /at: must be a valid date-time, got string "yesterday"',
      'output /name: must have at least 1 character, got string ""',
      'output /code: must have at most 2 characters, got string "WU-04"',
      'output /kind: must be "callback", got string "call"',
    ]);
  });

  it("lists union types and prints the root as /", () => {
    expect(lines({ type: ["string", "null"] }, 5)).toEqual(["output /: must be string or null, got number 5"]);
  });

  it("explains array and number bounds", () => {
    const schema = {
      properties: {
        tags: { type: "array", minItems: 2, uniqueItems: true },
        n: { multipleOf: 5, exclusiveMinimum: 10 },
      },
    };
    expect(lines(schema, { tags: ["a"], n: 7 })).toEqual([
      "output /tags: must have at least 2 items, got 1 item",
      "output /n: must be > 10, got number 7",
      "output /n: must be a multiple of 5, got number 7",
    ]);
    expect(lines(schema, { tags: ["a", "a"] })).toEqual(["output /tags: must not contain duplicates (items 0 and 1 are equal)"]);
  });

  it("keeps the then-branch detail and drops the if umbrella", () => {
    const schema = { if: { type: "string" }, then: { minLength: 3 } };
    const issues = createValidator(schema, { side: "output" }).validate("ab");
    expect(issues.map((i) => i.keyword)).toEqual(["minLength"]);
  });

  it("reports anyOf and oneOf failures without crashing", () => {
    const anyOf = createValidator({ anyOf: [{ type: "string" }, { type: "boolean" }] }, { side: "output" }).validate(1);
    expect(anyOf.map((i) => i.keyword)).toEqual(["type", "type", "anyOf"]);
    expect(anyOf.at(-1)?.message).toBe("must match at least one schema in anyOf, got number 1");
    const oneOf = createValidator({ oneOf: [{ type: "number" }, { type: "integer" }] }, { side: "output" }).validate(3);
    expect(oneOf.map(formatIssue)).toEqual(["output /: must match exactly one schema in oneOf, but matches 0 and 1"]);
  });

  it("folds propertyNames failures into one issue naming the bad key", () => {
    const issues = createValidator({ propertyNames: { pattern: "^[a-z]+$" } }, { side: "input" }).validate({ ok: 1, Bad: 2 });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "/Bad", keyword: "propertyNames", actual: "Bad" });
    expect(issues[0]?.message).toBe('property name "Bad" is invalid: must match pattern "^[a-z]+$"');
  });

  it("points a dependency failure at the property that is missing", () => {
    const [issue] = createValidator({ dependencies: { callbackNumber: ["queueId"] } }, { side: "input" }).validate({ callbackNumber: "1" });
    expect(issue).toMatchObject({ path: "/queueId", keyword: "dependencies", message: 'is required when "callbackNumber" is present' });
  });

  it("shortens a long actual value in the message but keeps it whole in the issue", () => {
    const long = "x".repeat(1000);
    const [issue] = createValidator({ type: "integer" }, { side: "output" }).validate(long);
    expect(issue?.actual).toBe(long);
    expect(formatIssue(issue!).length).toBeLessThan(120);
    expect(formatIssue(issue!)).toContain("(1000 characters)");
  });
});

describe("drafts", () => {
  it("honours draft-04's boolean exclusiveMaximum", () => {
    const schema = { $schema: "http://json-schema.org/draft-04/schema#", maximum: 100, exclusiveMaximum: true };
    const validator = createValidator(schema, { side: "output" });
    expect(validator.draft).toBe("draft-04");
    expect(validator.validate(99)).toEqual([]);
    expect(validator.validate(100).map(formatIssue)).toEqual(["output /: must be < 100, got number 100"]);
  });

  it("validates draft-06 schemas against the draft-06 meta-schema", () => {
    const schema = { $schema: "http://json-schema.org/draft-06/schema#", type: "object", propertyNames: { maxLength: 3 } };
    const validator = createValidator(schema, { side: "input" });
    expect(validator.draft).toBe("draft-06");
    expect(validator.validate({ abcd: 1 }).map((i) => i.keyword)).toEqual(["propertyNames"]);
  });

  it("supports 2019-09 dependentRequired", () => {
    const schema = { $schema: "https://json-schema.org/draft/2019-09/schema", dependentRequired: { a: ["b"] } };
    const validator = createValidator(schema, { side: "input" });
    expect(validator.draft).toBe("2019-09");
    expect(validator.validate({ a: 1 })).toMatchObject([{ path: "/b", keyword: "dependentRequired" }]);
  });

  it("supports 2020-12 prefixItems and closed tuples", () => {
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", prefixItems: [{ type: "string" }], items: false };
    const validator = createValidator(schema, { side: "output" });
    expect(validator.draft).toBe("2020-12");
    expect(validator.validate(["a"])).toEqual([]);
    expect(validator.validate([1, 2]).map(formatIssue)).toEqual([
      "output /0: must be string, got number 1",
      "output /: must have at most 1 item, got 2 items",
    ]);
  });

  it("reports unevaluatedProperties at the extra property", () => {
    const schema = { $schema: "https://json-schema.org/draft/2020-12/schema", properties: { a: true }, unevaluatedProperties: false };
    expect(lines(schema, { a: 1, b: 2 })).toEqual(["output /b: must not be present (unevaluatedProperties is false)"]);
  });

  it("refuses a draft option that contradicts $schema", () => {
    const error = thrownBy(() => createValidator({ $schema: "http://json-schema.org/draft-04/schema#" }, { side: "input", draft: "2020-12" }));
    expect(error.code).toBe("E_SCHEMA");
    expect(error.message).toMatch(/declares draft-04 .* 2020-12/);
  });
});

describe("schemas that do not compile", () => {
  it("rejects an unknown type name with E_SCHEMA naming side and schema path", () => {
    const error = thrownBy(() => createValidator({ properties: { score: { type: "strng" } } }, { side: "output" }));
    expect(hasErrorCode(error, "E_SCHEMA")).toBe(true);
    expect(error.message).toMatch(/^output schema is invalid at #\/properties\/score\/type: must be equal to one of the allowed values \("array", /);
    expect(error.context).toMatchObject({ side: "output", schemaPath: "#/properties/score/type" });
  });

  it("rejects an unknown format instead of silently passing it", () => {
    const error = thrownBy(() => createValidator({ properties: { at: { format: "datetime" } } }, { side: "input" }));
    expect(hasErrorCode(error, "E_SCHEMA")).toBe(true);
    expect(error.message).toContain('unknown format "datetime"');
    expect(error.context).toMatchObject({ side: "input", schemaPath: "#/properties/at" });
  });

  it("rejects a $ref that cannot be resolved", () => {
    const error = thrownBy(() => createValidator({ $ref: "#/definitions/nowhere" }, { side: "output" }));
    expect(hasErrorCode(error, "E_SCHEMA")).toBe(true);
    expect(error.message).toContain('$ref "#/definitions/nowhere" cannot be resolved');
  });

  it("tolerates unknown keywords and reports them as warnings", () => {
    const validator = createValidator({ type: "object", displayName: "Contact", "x-genesys": true }, { side: "output" });
    expect(validator.validate({})).toEqual([]);
    expect(validator.warnings.join("\n")).toContain('unknown keyword: "displayName"');
  });

  it.each(["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"] as const)(
    'compiles a schema that recurses through the root with $ref "#" (%s)',
    (draft) => {
      const tree = { type: "object", properties: { child: { $ref: "#" }, rootProbeN: { type: "integer" } } };
      const validator = createValidator(tree, { side: "input", draft });
      expect(validator.validate({ child: { child: { rootProbeN: 1 } } })).toEqual([]);
      expect(validator.validate({ child: { child: { rootProbeN: "x" } } }).map(formatIssue)).toEqual([
        'input /child/child/rootProbeN: must be integer, got string "x"',
      ]);
    },
  );

  it('resolves "#" to each schema\'s own root, also after a schema with an $id', () => {
    createValidator({ $id: "urn:cxda:root-probe", type: "object", properties: { next: { $ref: "#" } } }, { side: "input" });
    const strings = createValidator({ type: ["object", "string"], properties: { next: { $ref: "#" } } }, { side: "input" });
    const numbers = createValidator({ type: ["object", "number"], properties: { next: { $ref: "#/" } } }, { side: "input" });
    expect(strings.validate({ next: { next: "a" } })).toEqual([]);
    expect(numbers.validate({ next: { next: 1 } })).toEqual([]);
    expect(numbers.validate({ next: { next: "a" } }).map((issue) => issue.path)).toEqual(["/next/next"]);
  });

  it("lets two different schemas share an $id", () => {
    createValidator({ $id: "urn:cxda:shared", type: "string" }, { side: "input" });
    const second = createValidator({ $id: "urn:cxda:shared", type: "number" }, { side: "output" });
    expect(second.validate("x")).toHaveLength(1);
  });
});

describe("the compiled-schema cache", () => {
  it("compiles an equal schema only once, whatever its key order or object identity", () => {
    const first = { type: "object", properties: { cacheProbeA: { type: "integer" }, cacheProbeB: { type: "string" } } };
    const reordered = { properties: { cacheProbeB: { type: "string" }, cacheProbeA: { type: "integer" } }, type: "object" };
    const before = compiledSchemaCount();
    const a = compileSchema(first, "draft-07");
    const b = compileSchema(reordered, "draft-07");
    createValidator(structuredClone(first), { side: "output" }).validate({});
    expect(b.validate).toBe(a.validate);
    expect(compiledSchemaCount() - before).toBe(1);
  });

  it("compiles the same content separately for a different draft", () => {
    const schema = { type: "object", properties: { cacheProbeDraft: { type: "integer" } } };
    const seven = compileSchema(schema, "draft-07");
    const twenty = compileSchema(structuredClone(schema), "2020-12");
    expect(twenty.validate).not.toBe(seven.validate);
  });

  it("does not cache a schema that failed to compile", () => {
    const bad = { properties: { cacheProbeBad: { format: "nope" } } };
    const before = compiledSchemaCount();
    expect(() => compileSchema(bad)).toThrow();
    expect(() => compileSchema(bad)).toThrow();
    expect(compiledSchemaCount()).toBe(before);
  });
});

describe("strict", () => {
  const typo = { type: "object", properties: { priority: { type: "string", minLenght: 3 } } };

  it("true: refuses an unknown keyword, naming the side, its schema path and the keyword meant", () => {
    const error = thrownBy(() => createValidator(typo, { side: "output", strict: true }));
    expect(hasErrorCode(error, "E_SCHEMA")).toBe(true);
    expect(error.message).toBe(
      'output schema is invalid at #/properties/priority/minLenght: unknown keyword "minLenght": JSON Schema draft-07 does not define it, so it checks nothing (did you mean "minLength"?)',
    );
    expect(error.context).toMatchObject({ side: "output", schemaPath: "#/properties/priority/minLenght", suggestion: "minLength" });
  });

  it("true: refuses an unknown format with the format meant, and counts the rest", () => {
    const schema = { properties: { at: { format: "datetime" }, b: { requird: [] } } };
    const error = thrownBy(() => createValidator(schema, { side: "input", strict: true }));
    expect(error.message).toBe(
      'input schema is invalid at #/properties/at/format: unknown format "datetime": cxda cannot check it (did you mean "date-time"?) (and 1 more unknown name)',
    );
  });

  it("true: accepts x- vendor annotations and every keyword of the draft", () => {
    const schema = { ...billingOutput, "x-source": "genesys", title: "Out", description: "d", examples: [], $comment: "c" };
    expect(createValidator(schema, { side: "output", strict: true }).warnings).toEqual([]);
  });

  it('"warn": lists each finding with its path, and leaves an unknown format unchecked', () => {
    const schema = { type: "object", properties: { at: { type: "string", format: "datetime" }, priority: { type: "string", minLenght: 3 } } };
    const validator = createValidator(schema, { side: "output", strict: "warn" });
    expect(validator.warnings).toEqual([
      '#/properties/at/format: unknown format "datetime": cxda cannot check it (did you mean "date-time"?)',
      '#/properties/priority/minLenght: unknown keyword "minLenght": JSON Schema draft-07 does not define it, so it checks nothing (did you mean "minLength"?)',
    ]);
    expect(validator.validate({ at: "not a date", priority: "x" })).toEqual([]);
    expect(validator.validate({ at: 5 }).map(formatIssue)).toEqual(["output /at: must be string, got number 5"]);
  });

  it("false (the default): ajv's own rules, as before", () => {
    expect(createValidator(typo, { side: "output" }).warnings.join("\n")).toContain('unknown keyword: "minLenght"');
    expect(() => createValidator({ format: "datetime" }, { side: "output" })).toThrow(/unknown format "datetime"/);
  });
});
