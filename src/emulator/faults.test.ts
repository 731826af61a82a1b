// Unit tests of fault rules: checking, counts, probabilities and how effects combine.
import { describe, expect, it } from "vitest";
import { checkFaultRules, FaultSet } from "./faults.js";

describe("checkFaultRules", () => {
  it("accepts an array or { faults: [...] }", () => {
    expect(checkFaultRules([{ route: "token", status: 503 }], "x")).toHaveLength(1);
    expect(checkFaultRules({ faults: [{ route: "*", latencyMs: 5 }] }, "x")).toHaveLength(1);
  });

  it("names the bad rule", () => {
    expect(() => checkFaultRules([{ route: "token" }, { route: "nowhere" }], "faults.json")).toThrow(/faults.json fault #2: unknown route "nowhere"/);
    expect(() => checkFaultRules([{ route: "token", probability: 2 }], "f")).toThrow(/probability/);
    expect(() => checkFaultRules("nope", "f")).toThrow(/expected an array/);
  });
});

describe("FaultSet", () => {
  it("applies a rule to the next `count` matching requests only", () => {
    const faults = new FaultSet();
    faults.set([{ route: "get-data-action", status: 429, retryAfter: 1, count: 2 }]);
    expect(faults.draw("token", undefined).respond).toBeUndefined();
    expect(faults.draw("get-data-action", "a").respond).toEqual({ status: 429, retryAfter: "1", body: expect.anything() });
    expect(faults.draw("get-data-action", "a").respond?.status).toBe(429);
    expect(faults.draw("get-data-action", "a").respond).toBeUndefined();
    expect(faults.list()).toEqual([expect.objectContaining({ remaining: 0 })]);
  });

  it("fires by probability with the injected random source", () => {
    const draws = [0.1, 0.9];
    const faults = new FaultSet(() => draws.shift() ?? 0);
    faults.set([{ route: "*", status: 500, probability: 0.5 }]);
    expect(faults.draw("token", undefined).respond?.status).toBe(500);
    expect(faults.draw("token", undefined).respond).toBeUndefined();
  });

  it("adds latency and token effects, and stops at the first rule that answers", () => {
    const faults = new FaultSet();
    faults.set([
      { route: "*", latencyMs: 20 },
      { route: "get-data-action", expireToken: true },
      { route: "get-data-action", status: 503, count: 1 },
      { route: "get-data-action", drop: true, count: 1 },
    ]);
    const first = faults.draw("get-data-action", "a");
    expect(first).toMatchObject({ latencyMs: 20, expireToken: true, drop: false, respond: { status: 503 } });
    expect(faults.draw("get-data-action", "a")).toMatchObject({ drop: true });
  });

  it("can target one data action id", () => {
    const faults = new FaultSet();
    faults.set([{ route: "get-data-action", id: "b", status: 404 }]);
    expect(faults.draw("get-data-action", "a").respond).toBeUndefined();
    expect(faults.draw("get-data-action", "b").respond?.status).toBe(404);
  });
});
