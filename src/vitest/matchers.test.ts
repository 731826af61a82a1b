// Unit tests of toSatisfySchema as registered by cxda/vitest: pass, failure messages with every issue, .not, asymmetric use.
import { describe, expect, it } from "vitest";
import { createValidator } from "../validation/create-validator.js";
import "./index.js";

const schema = {
  type: "object",
  required: ["priority", "score"],
  properties: { priority: { type: "string", enum: ["high", "standard"] }, score: { type: "integer", maximum: 100 } },
};

function failureOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("the assertion did not fail");
}

describe("toSatisfySchema", () => {
  it("passes for a value that satisfies the schema", () => {
    expect({ priority: "high", score: 87 }).toSatisfySchema(schema);
  });

  it("lists every issue, formatted as formatIssue prints it, when the value does not satisfy the schema", () => {
    const message = failureOf(() => expect({ priority: 5, score: 140 }).toSatisfySchema(schema));
    expect(message).toBe(
      [
        "expected the value to satisfy the schema, but it has 3 issues:",
        "  output /priority: must be string, got number 5",
        '  output /priority: must be one of "high", "standard", got number 5',
        "  output /score: must be <= 100, got number 140",
      ].join("\n"),
    );
  });

  it("names the side given in the options", () => {
    const message = failureOf(() => expect({}).toSatisfySchema(schema, { side: "input" }));
    expect(message).toMatch(/input \/priority: /);
  });

  it("works with .not, and says the value satisfies the schema when .not fails", () => {
    expect({ priority: "low", score: 1 }).not.toSatisfySchema(schema);
    const message = failureOf(() => expect({ priority: "high", score: 1 }).not.toSatisfySchema(schema));
    expect(message).toContain("expected the value not to satisfy the schema, but it does");
  });

  it("accepts a compiled validator", () => {
    const validator = createValidator(schema, { side: "output" });
    expect({ priority: "standard", score: 0 }).toSatisfySchema(validator);
    expect(failureOf(() => expect({ priority: "standard", score: "0" }).toSatisfySchema(validator))).toContain(
      'output /score: must be integer, got string "0"',
    );
  });

  it("works as an asymmetric matcher inside toEqual", () => {
    expect({ status: 200, body: { priority: "high", score: 3 } }).toEqual({ status: 200, body: expect.toSatisfySchema(schema) });
    expect(() => expect({ body: { priority: 1 } }).toEqual({ body: expect.toSatisfySchema(schema) })).toThrow();
  });

  it("throws E_SCHEMA for a schema that does not compile, rather than passing or failing", () => {
    expect(() => expect({}).toSatisfySchema({ type: "no-such-type" })).toThrow(expect.objectContaining({ code: "E_SCHEMA" }));
  });
});
