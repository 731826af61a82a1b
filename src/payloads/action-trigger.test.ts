import { describe, expect, it } from "vitest";
import { normaliseDefinition } from "../definitions/load-definition.js";
import { generatedTriggerFor } from "./action-trigger.js";

const action = (input: unknown) => normaliseDefinition({ id: "a", schema: { input, output: { type: "object" } } });

describe("generatedTriggerFor", () => {
  it("leaves a CXone envelope schema to the runner's own trigger", () => {
    const envelope = {
      type: "object",
      required: ["interaction", "contact"],
      properties: { interaction: { type: "object" }, contact: { type: "object" } },
    };
    expect(generatedTriggerFor(action(envelope))).toBeUndefined();
    expect(generatedTriggerFor(action({ type: "object" }))).toBeUndefined();
  });

  it("generates from a schema of other fields, even one that would accept the envelope", () => {
    const permissive = {
      type: "object",
      properties: { CONVERSATION_ID: { type: "string" } },
      required: ["CONVERSATION_ID"],
      additionalProperties: true,
    };
    const generated = generatedTriggerFor(action(permissive));
    expect(generated?.trigger).toEqual({ CONVERSATION_ID: expect.any(String) });
  });

  it("repeats for a seed and changes with it", () => {
    const schema = { type: "object", required: ["email"], properties: { email: { type: "string", format: "email" } } };
    expect(generatedTriggerFor(action(schema), "one")).toEqual(generatedTriggerFor(action(schema), "one"));
    expect(generatedTriggerFor(action(schema), "one")?.trigger).not.toEqual(generatedTriggerFor(action(schema), "two")?.trigger);
  });

  it("refuses an input schema whose payloads are not objects, pointing at --payload", () => {
    expect(() => generatedTriggerFor(action({ type: "string", minLength: 2 }))).toThrow(/not JSON objects.*--payload/);
  });
});
