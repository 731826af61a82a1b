import { describe, expect, it } from "vitest";
import { pathFitsSchema } from "./path-fits-schema.js";

const closed = {
  type: "object",
  additionalProperties: false,
  properties: {
    id: { type: "string" },
    items: { type: "array", items: { type: "object", properties: { n: { type: "integer" } }, additionalProperties: false } },
  },
};

describe("pathFitsSchema", () => {
  it("fits paths the schema's shape allows", () => {
    expect(pathFitsSchema("$.id", closed).fits).toBe(true);
    expect(pathFitsSchema("$.items[0].n", closed).fits).toBe(true);
    expect(pathFitsSchema("$.items[*].n", closed).fits).toBe(true);
    expect(pathFitsSchema("$.items[?(@.n > 1)].n", closed).fits).toBe(true);
  });

  it("says a forbidden member cannot match, naming where", () => {
    const fit = pathFitsSchema("$.items[0].name", closed);
    expect(fit.fits).toBe(false);
    expect(fit.reason).toContain("$.items[…]");
  });

  it("says an index on a string, or a member below a string, cannot match", () => {
    expect(pathFitsSchema("$.id[0]", closed).fits).toBe(false);
    expect(pathFitsSchema("$.id.x", closed).fits).toBe(false);
  });

  it("may match wherever the schema leaves room or the check does not follow it", () => {
    expect(pathFitsSchema("$.other", { type: "object", properties: {} }).fits).toBe(true);
    expect(pathFitsSchema("$.other", { type: "object", additionalProperties: false, patternProperties: { "^o": {} } }).fits).toBe(true);
    expect(pathFitsSchema("$.a.b", { $ref: "#/definitions/x" }).fits).toBe(true);
    expect(pathFitsSchema("$.a", { anyOf: [{ type: "string" }] }).fits).toBe(true);
    expect(pathFitsSchema("$..name", closed).fits).toBe(true);
    expect(pathFitsSchema("$.x", true).fits).toBe(true);
  });

  it("says nothing matches under a false schema", () => {
    expect(pathFitsSchema("$.x", false).fits).toBe(false);
  });
});
