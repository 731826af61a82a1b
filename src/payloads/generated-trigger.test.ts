// One generated trigger by seed and index is the payload generatePayloads returns at that index.
import { describe, expect, it } from "vitest";
import { loadDefinition } from "../definitions/load-definition.js";
import { generatePayloads } from "./generate-payloads.js";
import { createTriggerSource } from "./generated-trigger.js";

describe("createTriggerSource", () => {
  it("draws, for any seed and index, what generatePayloads gives at that index", async () => {
    const definition = await loadDefinition("examples/billing-callback/definition.json");
    const options = { draft: definition.meta.inputDraft, dataActionId: definition.id };
    const triggerOf = createTriggerSource(definition.inputSchema, options);
    for (const seed of ["ci", "ci#3"]) {
      const listed = generatePayloads(definition.inputSchema, { ...options, seed, count: 25 });
      // Out of order on purpose: no index depends on the ones before it.
      for (const index of [24, 0, 7, 13, 1]) expect(triggerOf({ seed, index })).toEqual(listed[index]!.payload);
    }
  });

  it("reports a schema no trigger can be generated for as E_SCHEMA, naming the seed and the number", () => {
    const triggerOf = createTriggerSource({ type: "string", minLength: 5, maxLength: 2 }, { draft: "draft-07", dataActionId: "da-1" });
    expect(() => triggerOf({ seed: "s", index: 4 })).toThrow(/cannot generate a valid payload \(number 5, seed "s"\)/);
  });
});
