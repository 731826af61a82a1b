import { describe, expect, it } from "vitest";
import { applyOverrides } from "./apply-overrides.js";
import { createPayload } from "./create-payload.js";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

describe("applyOverrides", () => {
  it("sets values by dotted path, then removes paths", () => {
    const trigger = createPayload({}, { seed: 1, now: "2026-11-20T10:00:00Z" }) as Record<string, unknown>;
    const edited = applyOverrides(trigger, {
      set: { "data.customFields.resolutionScore": 140, "contact.attributes.tier": "standard" },
      unset: ["interaction"],
    });
    expect(edited["interaction"]).toBeUndefined();
    expect(edited).toMatchObject({ data: { customFields: { resolutionScore: 140 } }, contact: { attributes: { tier: "standard" } } });
  });

  it("runs unset after set, so a path both set and unset ends up absent", () => {
    const edited = applyOverrides({ a: 1 }, { set: { "b.c": 2 }, unset: ["b"] });
    expect(edited).toEqual({ a: 1 });
  });

  it("leaves a frozen original untouched and returns an editable copy", () => {
    const original = deepFreeze({ data: { customFields: { resolutionScore: 87 } } });
    const edited = applyOverrides(original, { set: { "data.customFields.resolutionScore": "87" } });
    expect(original.data.customFields.resolutionScore).toBe(87);
    expect(edited).toEqual({ data: { customFields: { resolutionScore: "87" } } });
    expect(Object.isFrozen(edited)).toBe(false);
  });

  it("copies set values so later changes to them do not leak in", () => {
    const tags = ["a"];
    const edited = applyOverrides({}, { set: { tags } });
    tags.push("b");
    expect(edited).toEqual({ tags: ["a"] });
  });

  it("rejects a prototype-polluting path", () => {
    expect(() => applyOverrides({}, { set: { "__proto__.polluted": true } })).toThrow(/reserved segment "__proto__"/);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
