// One regression test per bug the reliability work found, each named after the bug it pins down.
import { describe, expect, it } from "vitest";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCases, parseCase } from "../../../src/cases/load-cases.js";
import { prepareCase } from "../../../src/cases/prepare-case.js";
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

  it("a $schema object carrying its own toString key threw a TypeError (Cannot convert object to primitive value); it is E_SCHEMA", () => {
    const schema = { $schema: { toString: 5, valueOf: 6 }, type: "object" } as unknown as JsonSchema;
    expect(thrown(() => createValidator(schema, { side: "output" }))).toMatchObject({
      name: "CxdaError",
      code: "E_SCHEMA",
      message: expect.stringMatching(/^output schema: \$schema must be a URI string, got object;/),
      context: { schemaUri: 'object {"toString":5,"valueOf":6}' },
    });
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

describe("cases", () => {
  it("a case payload nested thousands of levels deep overflowed the stack in prepareCase (RangeError); parseCase refuses it with E_CASE", async () => {
    const deepText = `${'{"a":'.repeat(5_000)}{}${"}".repeat(5_000)}`;
    const deep = JSON.parse(deepText) as Record<string, unknown>;
    expect(thrown(() => parseCase({ name: "deep", payload: deep }, "cases/deep.json", "deep"))).toMatchObject({
      name: "CxdaError",
      code: "E_CASE",
      message: 'cases/deep.json (case "deep").payload: nested more than 256 levels deep; a case may nest values up to that depth',
    });
    expect(thrown(() => parseCase({ name: "deep", set: { "data.customFields.x": deep } }, "cases/deep.json", "deep"))).toMatchObject({ code: "E_CASE" });
    // Through a file, the broken case is reported as data and its neighbour still loads.
    const dir = await mkdtemp(join(tmpdir(), "cxda-regression-"));
    try {
      await mkdir(join(dir, "cases"));
      await writeFile(join(dir, "cases", "a.json"), `[{"name":"deep","payload":${deepText}},{"name":"fine","payload":{"a":1}}]`);
      const loaded = await loadCases(dir);
      expect(loaded.map((entry) => entry.ok)).toEqual([false, true]);
      const fine = loaded[1];
      expect(fine?.ok === true ? prepareCase(fine.case, { actionId: "a", vars: {} }).trigger : undefined).toEqual({ a: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
