// One regression test per bug the reliability work found, each named after the bug it pins down.
import { describe, expect, it } from "vitest";
import type { JsonSchema } from "../../../src/core/types.js";
import { normaliseDefinition } from "../../../src/definitions/load-definition.js";
import { createValidator } from "../../../src/validation/create-validator.js";

/** `{ a: { a: … } }`, `depth` levels deep, built without recursion. */
function nested(depth: number, leaf: unknown = {}): Record<string, unknown> {
  let value = leaf as Record<string, unknown>;
  for (let i = 0; i < depth; i++) value = { type: "object", properties: { a: value } };
  return value;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

describe("validation", () => {
  it("createValidator(null) threw a TypeError from detectDraft; it is E_SCHEMA naming what it got", () => {
    for (const schema of [null, 5, "string"]) {
      expect(thrown(() => createValidator(schema as unknown as JsonSchema, { side: "input" }))).toMatchObject({
        name: "CxdaError",
        code: "E_SCHEMA",
        message: expect.stringMatching(/^input schema must be a JSON object or a boolean, got (null|number 5|string "string")$/),
      });
    }
  });

  it("a schema nested thousands of levels deep overflowed the stack (RangeError); it is E_SCHEMA naming the depth limit", () => {
    expect(thrown(() => createValidator(nested(10_000), { side: "output" }))).toMatchObject({
      name: "CxdaError",
      code: "E_SCHEMA",
      message: "output schema is nested more than 256 levels deep; cxda compiles schemas up to that depth",
    });
    expect(thrown(() => normaliseDefinition({ id: "deep", schema: { output: nested(10_000) } }, { file: "actions/deep/definition.json" }))).toMatchObject({
      code: "E_SCHEMA",
      message: expect.stringMatching(/^actions\/deep\/definition\.json: the output schema at schema\.output is nested more than 256 levels deep/),
    });
    // Real schemas stay far below the limit and still compile.
    expect(createValidator(nested(60, { type: "string" }), { side: "output" }).validate({ a: { a: {} } })).toEqual([]);
  });
});
