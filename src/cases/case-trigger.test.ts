import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import { applyCaseChanges } from "./case-trigger.js";

const base = () => ({
  contact: { id: "c-1", attributes: { tier: "premium" } },
  interaction: { id: "i-1", channel: "voice" },
  data: { list: [1, 2] },
});

describe("applyCaseChanges", () => {
  it("builds from a frozen base the same trigger as from a copy of it, leaving the base as it was", () => {
    const changes = {
      set: { "contact.attributes.tier": "standard", "data.list.3": 9, "new.deep.key": { v: true } },
      unset: ["interaction.channel", "data.list.0"],
    };
    const frozen = deepFreeze(base()) as Record<string, unknown>;
    const before = JSON.stringify(frozen);
    const shared = applyCaseChanges(frozen, structuredClone(changes), "case #0");
    const copied = applyCaseChanges(structuredClone(base()), structuredClone(changes), "case #0");
    expect(JSON.stringify(shared)).toBe(JSON.stringify(copied));
    expect(JSON.stringify(frozen)).toBe(before);
  });

  it("returns the base itself when there is nothing to change", () => {
    const frozen = deepFreeze(base()) as Record<string, unknown>;
    expect(applyCaseChanges(frozen, {}, "case #0")).toBe(frozen);
    expect(applyCaseChanges(frozen, { unset: ["not.there"] }, "case #0")).toBe(frozen);
  });

  it("copies the values it sets only when asked", () => {
    const value = { v: 1 };
    expect((applyCaseChanges({}, { set: { a: value } }, "c") as { a: unknown }).a).toBe(value);
    expect((applyCaseChanges({}, { set: { a: value } }, "c", { copyValues: true }) as { a: unknown }).a).not.toBe(value);
  });

  it("names the case and the path when a change cannot be applied", () => {
    let thrown: unknown;
    try {
      applyCaseChanges(deepFreeze(base()), { set: { "contact.id.deeper": 1 } }, "cases/tiers.json#2");
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, "E_CASE")).toBe(true);
    expect((thrown as Error).message).toMatch(
      /^cases\/tiers\.json#2: cannot apply set\/unset: cannot set "contact\.id\.deeper": "contact\.id" holds a string/,
    );
  });
});
