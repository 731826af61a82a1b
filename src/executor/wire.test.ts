import { describe, expect, it } from "vitest";
import type { ChangedCase, GeneratedCase, PreparedCase } from "../core/types.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import type { ResultsMessage } from "./protocol.js";
import {
  BatchEncoder,
  PLAIN_PASS,
  STEP,
  TIMING_SLOTS,
  WORKER_PHASE,
  WORKER_STEPS,
  createWorkerState,
  decodeBatch,
  decodeResults,
  encodeResults,
  markBatch,
  markPhase,
  readWorkerState,
  recordDuration,
  recordStep,
  resultOf,
  timedSteps,
  triggerOf,
  type TriggerSpec,
  type WireResult,
} from "./wire.js";

const shared = { tier: "gold" };
const prepared: PreparedCase = { name: "given", trigger: { contact: { id: "c-1" } }, vars: shared, now: 1_000, expect: { output: { ok: true } } };
const generated: GeneratedCase = { name: "generated", generate: { seed: "ci", index: 41 }, vars: shared, expect: {} };
const changed: ChangedCase = {
  name: "changed",
  source: "cases/a.json#2",
  changes: { set: { "contact.id": "c-2" }, unset: ["interaction"] },
  vars: { tier: "silver" },
  expect: {},
};

describe("batches", () => {
  it("round-trips every kind of case, with its vars, expectations and clock", () => {
    const absent = { ...prepared, name: "absent", trigger: undefined as unknown as Record<string, unknown>, now: Number.NaN };
    const { text, kept, faults } = new BatchEncoder().encode([prepared, generated, changed, absent]);
    expect(faults).toEqual([]);
    expect(kept).toEqual([0, 1, 2, 3]);
    const cases = decodeBatch(text);
    expect(cases.map((c) => c.trigger)).toEqual([
      { kind: "given", trigger: prepared.trigger },
      { kind: "generated", ref: { seed: "ci", index: 41 } },
      { kind: "changed", where: "cases/a.json#2", set: { "contact.id": "c-2" }, unset: ["interaction"], payload: undefined, seeded: undefined },
      { kind: "given", trigger: undefined },
    ]);
    expect(cases.map((c) => c.vars)).toEqual([shared, shared, { tier: "silver" }, shared]);
    expect(cases.map((c) => c.now)).toEqual([1_000, null, null, null]);
    expect(cases[0]!.expect).toEqual({ output: { ok: true } });
  });

  it("lists a shared vars object once and prepares it once", () => {
    const { text } = new BatchEncoder().encode([prepared, generated, { ...prepared, name: "again" }]);
    expect((JSON.parse(text) as { vars: unknown[] }).vars).toHaveLength(1);
    let prepared_ = 0;
    const cases = decodeBatch(text, (vars) => {
      prepared_++;
      return deepFreeze(vars);
    });
    expect(prepared_).toBe(1);
    expect(cases[0]!.vars).toBe(cases[2]!.vars);
    expect(Object.isFrozen(cases[0]!.vars)).toBe(true);
  });

  it("answers the cases JSON cannot carry, naming them, and keeps the rest", () => {
    const bigint = { ...prepared, name: "big", source: "cases/b.json#0", trigger: { n: 1n } as unknown as Record<string, unknown> };
    const dated = { ...prepared, name: "dated", vars: { since: new Date(0) } };
    const { text, kept, faults } = new BatchEncoder().encode([bigint, prepared, dated]);
    expect(kept).toEqual([1]);
    expect(faults.map(([index, fault]) => [index, fault.code])).toEqual([
      [0, "E_CASE"],
      [2, "E_CASE"],
    ]);
    expect(faults[0]![1].message).toMatch(/^cases\/b\.json#0: the trigger cannot be sent as JSON/);
    expect(faults[1]![1].message).toMatch(/^dated: vars \/since is a Date/);
    expect(decodeBatch(text)).toHaveLength(1);
  });

  it("carries a seeded case's name and clock, and its payload when it has one", () => {
    const seeded: ChangedCase = { name: "no base", changes: { seededAt: "2026-03-01T10:00:00Z" }, vars: {}, expect: {} };
    const own: ChangedCase = { name: "own", changes: { payload: { a: 1 }, set: { b: 2 } }, vars: {}, expect: {} };
    const [first, second] = decodeBatch(new BatchEncoder().encode([seeded, own]).text);
    expect(first!.trigger).toMatchObject({ kind: "changed", where: "no base", seeded: { name: "no base", now: "2026-03-01T10:00:00Z" } });
    expect(second!.trigger).toMatchObject({ kind: "changed", payload: { a: 1 }, set: { b: 2 }, seeded: undefined });
  });

  it("builds a changed case's trigger over the shared base without touching it", () => {
    const base = deepFreeze({ contact: { id: "c-1" }, interaction: { id: "i-1" }, data: { x: 1 } });
    const [decoded] = decodeBatch(new BatchEncoder().encode([changed]).text);
    const trigger = triggerOf(decoded!.trigger as Exclude<TriggerSpec, { kind: "generated" }>, base, "da-1") as typeof base;
    expect(trigger).toEqual({ contact: { id: "c-2" }, data: { x: 1 } });
    expect(trigger.data).toBe(base.data);
    expect(base.contact.id).toBe("c-1");
  });
});

describe("timings", () => {
  it("has a duration and a start and duration per step", () => {
    expect(TIMING_SLOTS).toBe(1 + 2 * WORKER_STEPS.length);
  });

  it("round-trips each step's start and duration into the trace steps", () => {
    const timings = new Float64Array(2 * TIMING_SLOTS);
    const at = TIMING_SLOTS;
    WORKER_STEPS.forEach((_, step) => recordStep(timings, at, step, 1_700_000_000_000 + step, 0.5 + step));
    recordDuration(timings, at, 4.25);
    const steps = timedSteps(timings, at, PLAIN_PASS);
    expect(steps.map((s) => [s.step, s.startedAt, s.durationMs])).toEqual([
      ["validate-input", 1_700_000_000_000, 0.5],
      ["execute", 1_700_000_000_001, 1.5],
      ["validate-output", 1_700_000_000_002, 2.5],
      ["compare", 1_700_000_000_003, 3.5],
    ]);
    expect(resultOf(0, timings, at).durationMs).toBe(4.25);
    expect(STEP.compare).toBe(WORKER_STEPS.length - 1);
  });
});

describe("results", () => {
  const timings = new Float64Array(3 * TIMING_SLOTS);
  const wires: WireResult[] = [
    0,
    { output: { ok: 1 }, logs: [{ level: "log", message: "hi", atMs: 0 }] },
    { result: { status: "fail", issues: [], failures: [], logs: [], steps: [], durationMs: 2 } },
  ];

  it("takes the batch's end with its last result, or alone after it", () => {
    expect(decodeResults({ ...encodeResults(7, 3, wires, timings), done: {} }, 3, 6)).toEqual(wires);
    expect(decodeResults({ ...encodeResults(7, 3, [], new Float64Array(0)), done: {} }, 6, 6)).toEqual([]);
    expect(decodeResults({ ...encodeResults(7, 3, [], new Float64Array(0)), done: {} }, 5, 6)).toBeUndefined();
  });

  it.each([false, true])("round-trips a chunk (structured: %s)", (structured) => {
    const message = encodeResults(7, 3, wires, timings, structured);
    const decoded = decodeResults(message, 3, 10);
    expect(decoded).toEqual(wires);
    expect(resultOf(decoded![0]!, timings, 0)).toMatchObject({ status: "pass", steps: timedSteps(timings, 0, PLAIN_PASS) });
    expect(resultOf(decoded![1]!, timings, TIMING_SLOTS)).toMatchObject({ status: "pass", output: { ok: 1 }, logs: [{ message: "hi" }] });
    expect(resultOf(decoded![2]!, timings, 2 * TIMING_SLOTS)).toMatchObject({ status: "fail", durationMs: 2 });
  });

  it.each<[string, (message: ResultsMessage) => ResultsMessage, number, number]>([
    ["a chunk that skips ahead", (m) => m, 2, 10],
    ["a chunk past the batch's end", (m) => m, 3, 5],
    ["text that is not JSON", (m) => ({ ...m, json: "[0," }), 3, 10],
    ["too few timings", (m) => ({ ...m, timings: new Float64Array(TIMING_SLOTS) }), 3, 10],
    ["a result without its fields", (m) => ({ ...m, json: '[{"result":{"status":"pass"}}]' }), 3, 10],
    [
      "a status that does not exist",
      (m) => ({ ...m, json: '[{"result":{"status":"won","issues":[],"failures":[],"logs":[],"steps":[],"durationMs":1}}]' }),
      3,
      10,
    ],
    [
      "a timing that is not a number (regression: NaN durations hung the run)",
      (m) => ({ ...m, timings: new Float64Array(3 * TIMING_SLOTS).fill(Number.NaN) }),
      3,
      10,
    ],
    ["the batch's end before its last result", (m) => ({ ...m, done: {} }), 3, 10],
  ])("refuses %s", (_name, change, next, length) => {
    expect(decodeResults(change(encodeResults(7, 3, wires, timings)), next, length)).toBeUndefined();
  });
});

describe("worker state", () => {
  it("reads back what the worker marked", () => {
    const state = createWorkerState();
    expect(readWorkerState(state)).toEqual({ batchId: 0, index: 0, phase: WORKER_PHASE.idle, since: 0 });
    const epoch = Date.now() - 5_000;
    markBatch(state, 12);
    markPhase(state, epoch, WORKER_PHASE.running, 3);
    const read = readWorkerState(state);
    expect(read).toMatchObject({ batchId: 12, index: 3, phase: WORKER_PHASE.running });
    expect(read.since).toBeGreaterThanOrEqual(5_000);
  });
});
