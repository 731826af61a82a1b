// The cases of `cxda bench --source cases`: which leaves of an input schema they set, and which they leave out.
import { describe, expect, it } from "vitest";
import type { ActionDefinition, JsonSchema } from "../core/types.js";
import { buildSetCases, schemaLeaves } from "./set-cases.js";

function definitionOf(inputSchema: JsonSchema): ActionDefinition {
  return {
    id: "da-1",
    name: "bench",
    version: 1,
    inputSchema,
    outputSchema: true,
    meta: { shape: "schema.input/output", inputDraft: "draft-07", outputDraft: "draft-07" },
  };
}

describe("schemaLeaves", () => {
  it("follows properties and local $refs to strings, numbers, booleans and enums, and stops at a $ref cycle", () => {
    const schema = {
      $defs: { tier: { enum: ["premium", "standard"] }, node: { properties: { self: { $ref: "#/$defs/node" }, tier: { $ref: "#/$defs/tier" } } } },
      properties: { contact: { $ref: "#/$defs/node" }, score: { type: "integer" }, ok: { type: "boolean" }, note: { type: ["string", "null"] } },
    };
    expect(schemaLeaves(schema).map((leaf) => leaf.path)).toEqual(["contact.tier", "score", "ok", "note"]);
  });

  it("leaves out arrays, free objects, null and names a dotted path cannot spell", () => {
    const schema = {
      properties: {
        list: { type: "array", items: { type: "string" } },
        data: { type: "object" },
        nothing: { type: "null" },
        "a.b": { type: "string" },
        ["__proto__"]: { type: "string" },
      },
    };
    expect(Object.keys(schema.properties)).toContain("__proto__");
    expect(schemaLeaves(schema)).toEqual([]);
  });
});

describe("buildSetCases", () => {
  it("leaves out a path whose values make the base trigger invalid", () => {
    // `mode` looks free to the walk, but the whole schema allows only "fixed".
    const schema = {
      type: "object",
      properties: { mode: { type: "string" }, name: { type: "string" } },
      allOf: [{ properties: { mode: { const: "fixed" } } }],
    };
    const { cases, paths } = buildSetCases(definitionOf(schema), { mode: "fixed", name: "n" }, 50, "t");
    expect(paths).toEqual(["name"]);
    for (const c of cases) expect(Object.keys(c.set)).toEqual(["name"]);
  });

  it("refuses an input schema with nothing to set", () => {
    expect(() => buildSetCases(definitionOf(true), undefined, 10, "t")).toThrow(
      /no string, number, integer, boolean or enum property that values could be drawn for/,
    );
  });

  it("leaves out a leaf that runs through a null in the base trigger (regression: a nullable object stopped the bench)", () => {
    const definition = definitionOf({
      type: "object",
      properties: { contact: { type: ["object", "null"], properties: { tier: { type: "string" } } }, channel: { type: "string" } },
    });
    const { paths } = buildSetCases(definition, { contact: null, channel: "voice" }, 10, "t");
    expect(paths).toEqual(["channel"]);
  });
});
