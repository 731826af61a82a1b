import { describe, expect, it } from "vitest";
import { hasErrorCode } from "../core/errors.js";
import { createPayload } from "./create-payload.js";

const NOW = "2026-11-20T10:00:00.000Z";

describe("createPayload", () => {
  it("has the shape of the reference trigger", () => {
    const trigger = createPayload({}, { now: NOW });
    expect(trigger).toEqual({
      dataActionId: "da-test-12345",
      triggerId: expect.stringMatching(/^tr-\d{6}$/),
      timestamp: NOW,
      environment: "sandbox",
      interaction: {
        id: expect.stringMatching(/^i-\d{6}$/),
        type: "voice",
        direction: "inbound",
        status: "active",
        channel: "phone",
        startTime: "2026-11-20T09:58:12.000Z",
      },
      contact: {
        id: expect.stringMatching(/^c-\d{6}$/),
        externalId: expect.stringMatching(/^EXT-\d{4}$/),
        attributes: { customerId: expect.stringMatching(/^CUST-\d{4}$/), tier: "premium", lastCallDate: "2026-11-15T10:00:00Z" },
      },
      data: {
        disposition: "callback_requested",
        agentId: expect.stringMatching(/^ag-\d{6}$/),
        wrapUpCode: "WU-04",
        customFields: { issueCategory: "billing", resolutionScore: 87 },
      },
    });
  });

  it("uses the current time when no clock is given", () => {
    const before = Date.now();
    const stamp = Date.parse(createPayload().timestamp);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now());
  });

  it("gives fresh ids on every unseeded call", () => {
    const a = createPayload({}, { now: NOW });
    const b = createPayload({}, { now: NOW });
    expect([a.triggerId, a.interaction.id, a.contact.id]).not.toEqual([b.triggerId, b.interaction.id, b.contact.id]);
  });

  it("gives the same payload for the same seed and clock", () => {
    expect(createPayload({}, { seed: "case-1", now: NOW })).toEqual(createPayload({}, { seed: "case-1", now: NOW }));
  });

  it("pins the ids a seed produces, so they match across runs and machines", () => {
    const { triggerId, interaction, contact, data } = createPayload({}, { seed: 42, now: NOW });
    expect([triggerId, interaction.id, contact.id, contact.externalId, contact.attributes?.["customerId"], data.agentId]).toMatchInlineSnapshot(`
      [
        "tr-332002",
        "i-952993",
        "c-288487",
        "EXT-5950",
        "CUST-9227",
        "ag-629559",
      ]
    `);
  });

  it("gives different ids for different seeds", () => {
    expect(createPayload({}, { seed: "a" }).triggerId).not.toBe(createPayload({}, { seed: "b" }).triggerId);
  });

  it("accepts the clock as a Date or epoch milliseconds", () => {
    const ms = Date.parse(NOW);
    expect(createPayload({}, { now: new Date(ms) }).timestamp).toBe(NOW);
    expect(createPayload({}, { now: ms }).timestamp).toBe(NOW);
  });

  it("rejects a clock that is not a date", () => {
    let thrown: unknown;
    try {
      createPayload({}, { now: "yesterday" });
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, "E_USAGE")).toBe(true);
  });

  it("addresses the trigger to the given action", () => {
    expect(createPayload({}, { dataActionId: "da-other" }).dataActionId).toBe("da-other");
  });

  it("deep-merges overrides: objects merge, scalars and arrays replace", () => {
    const trigger = createPayload(
      { data: { customFields: { resolutionScore: "87", tags: ["x"] } }, contact: { attributes: { tier: "standard" } }, environment: "production" },
      { now: NOW },
    );
    expect(trigger.data.customFields).toEqual({ issueCategory: "billing", resolutionScore: "87", tags: ["x"] });
    expect(trigger.contact.attributes).toMatchObject({ tier: "standard", customerId: expect.stringMatching(/^CUST-/) });
    expect(trigger.environment).toBe("production");
    expect(trigger.data.disposition).toBe("callback_requested");
  });

  it("replaces a whole branch with an array or null, and removes a key given undefined", () => {
    const trigger = createPayload({ data: { customFields: null }, contact: { attributes: undefined }, interaction: [] });
    expect(trigger.data.customFields).toBeNull();
    expect(trigger.contact).not.toHaveProperty("attributes");
    expect(trigger.interaction).toEqual([]);
  });

  it("does not share override objects with the result", () => {
    const tags = ["x"];
    const customFields = { tags };
    const trigger = createPayload({ data: { customFields } });
    tags.push("y");
    customFields.tags = [];
    expect(trigger.data.customFields).toMatchObject({ tags: ["x"] });
  });

  it("returns a new object on every call", () => {
    const a = createPayload({}, { seed: 1, now: NOW });
    a.data.customFields!["resolutionScore"] = 0;
    expect(createPayload({}, { seed: 1, now: NOW }).data.customFields?.["resolutionScore"]).toBe(87);
  });

  it("refuses a prototype-polluting override key", () => {
    const overrides = JSON.parse('{"data": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
    let thrown: unknown;
    try {
      createPayload(overrides);
    } catch (error) {
      thrown = error;
    }
    expect(hasErrorCode(thrown, "E_USAGE")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
