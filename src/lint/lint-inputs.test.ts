import { describe, expect, it } from "vitest";
import { inputVariants, TRICKY_STRINGS } from "./lint-inputs.js";

const schema = {
  type: "object",
  required: ["id"],
  properties: {
    id: { type: "string" },
    note: { type: "string" },
    count: { type: "integer" },
    address: { type: "object", properties: { city: { type: "string" } } },
  },
};

describe("inputVariants", () => {
  it("gives the same inputs for the same seed, and others for another", () => {
    expect(inputVariants(schema, "a")).toEqual(inputVariants(schema, "a"));
    expect(inputVariants(schema, "a").variants[0]?.input).not.toEqual(inputVariants(schema, "b").variants[0]?.input);
  });

  it("starts from generated and boundary inputs, then one with every input given", () => {
    const { variants, full } = inputVariants(schema, "cxda");
    const labels = variants.map((variant) => variant.label);
    expect(labels.slice(0, 3)).toEqual(["generated valid #1", "generated valid #2", "generated valid #3"]);
    expect(labels.some((label) => label.startsWith("boundary: "))).toBe(true);
    expect(Object.keys(full).sort()).toEqual(["address", "count", "id", "note"]);
    expect(variants.find((variant) => variant.label === "every input given")?.absent).toEqual([]);
  });

  it("puts each tricky string into each string input, nested ones too, one at a time", () => {
    const { variants, full } = inputVariants(schema, "cxda");
    const tricky = variants.filter((variant) => variant.tricky !== undefined);
    expect(tricky).toHaveLength(3 * TRICKY_STRINGS.length);
    const quote = tricky.find((variant) => variant.label === "input.address.city holds a quote and a newline");
    expect(quote?.input).toEqual({ ...full, address: { ...(full["address"] as object), city: 'say"hi"\nbye' } });
    expect(quote?.tricky).toEqual({ path: "address.city", name: "a quote and a newline" });
  });

  it("leaves out each optional input alone, then all of them, never a required one", () => {
    const { variants } = inputVariants(schema, "cxda");
    const absent = variants.filter((variant) => variant.label.includes("absent"));
    expect(absent.map((variant) => variant.label)).toEqual(
      expect.arrayContaining(["optional input.note absent", "optional input.count absent", "every optional input absent (note, count, address)"]),
    );
    expect(absent.find((variant) => variant.label.startsWith("every optional"))?.input).toEqual({ id: expect.any(String) });
    expect(variants.some((variant) => variant.label === "optional input.id absent")).toBe(false);
  });

  it("renders no input the schema refuses, as Genesys validates input first, and counts them", () => {
    const strict = { type: "object", required: ["kind"], properties: { kind: { type: "string", enum: ["a", "b"] } } };
    const { variants, refused } = inputVariants(strict, "cxda");
    expect(refused).toBe(TRICKY_STRINGS.length);
    expect(variants.every((variant) => ["a", "b"].includes(variant.input["kind"] as string))).toBe(true);
  });

  it("says when no input can be generated, and still renders with what it can build", () => {
    const impossible = { type: "object", required: ["a"], properties: { a: { type: "string", minLength: 5, maxLength: 2 } } };
    const { variants, problems } = inputVariants(impossible, "cxda");
    expect(problems).toEqual([expect.objectContaining({ severity: "warning", code: "inputs-not-generated" })]);
    expect(variants.map((variant) => variant.label)).toContain("every input given");
  });

  it("renders an action with no input contract with an empty input only", () => {
    const { variants, full } = inputVariants(true, "cxda");
    expect(full).toEqual({});
    expect(variants.map((variant) => variant.label)).toEqual(["every input given"]);
  });
});
