// How cases, results, timings and a worker's state cross between the pool and its workers: every encode beside its decode.
//
// The messages themselves are described in protocol.ts; this module decides the bytes inside them. Each pair here is
// used by both sides (the pool and the worker), so a change is made once, and wire.test.ts round-trips every pair.
import { applyCaseChanges } from "../cases/case-trigger.js";
import { CxdaError, isCxdaError, type Problem } from "../core/errors.js";
import type { CaseExpectation, GeneratedTriggerRef, TraceStep, UpstreamResponse } from "../core/types.js";
import { createPayload } from "../payloads/create-payload.js";
import { assertJsonData } from "./json-output.js";
import type { PoolCase, ResultsMessage, WorkerCaseResult, WorkerSnapshot } from "./protocol.js";

// ---------------------------------------------------------------------------------------------------------------------
// Batches: pool → worker.

/**
 * How a case's trigger is made, as a batch carries it (the first of its four `meta` numbers):
 * - `given`: the trigger itself, built on the main thread (parity and the bus need it there too);
 * - `absent`: a trigger that is `undefined` (which a JSON array cannot hold);
 * - `generated`: `[seed, index]`, drawn by the worker from the input schema;
 * - `changed`: `[where, set, unset, payload, seeded]` (0 for each one absent), applied by the worker to the action's
 *   base trigger, which it received once with the action; to `payload` when the case has one; or, when the action has
 *   no base trigger, to one seeded by `[name, clock]`.
 */
export const TRIGGER_KIND = { given: 0, absent: 1, generated: 2, changed: 3 } as const;

/**
 * A batch's cases as they cross (as JSON), column by column: variables and expectations, mostly shared, are listed
 * once, and each case is four numbers in `meta` plus one entry in `triggers`.
 */
export interface WireBatch {
  vars: Array<Record<string, unknown>>;
  expects: CaseExpectation[];
  /** Four per case: its {@link TRIGGER_KIND}, its index in `vars`, its index in `expects`, its clock (null: the trigger's). */
  meta: Array<number | null>;
  /** One per case, read according to its kind. */
  triggers: unknown[];
  /** `[position, answer]` for each case that says what a declarative action's upstream answers; absent when none does. */
  upstreams?: Array<[number, UpstreamResponse]>;
}

/** Where a case's trigger comes from, as the worker reads it from a batch. */
export type TriggerSpec =
  | { kind: "given"; trigger: unknown }
  | { kind: "generated"; ref: GeneratedTriggerRef }
  | {
      kind: "changed";
      /** The case's file#index or name, for an error. */
      where: string;
      set: Record<string, unknown> | undefined;
      unset: string[] | undefined;
      payload: Record<string, unknown> | undefined;
      /** Present when the trigger starts from one seeded by the case's name at this clock. */
      seeded: { name: string; now: string | number } | undefined;
    };

/** One case of a batch, as the worker runs it. */
export interface DecodedCase {
  trigger: TriggerSpec;
  vars: Readonly<Record<string, unknown>>;
  expect: CaseExpectation;
  /** The injected clock; null for the trigger's own timestamp. */
  now: number | null;
  /** What a declarative action's upstream answers in this case. */
  upstream?: UpstreamResponse;
}

/** A batch encoded for a worker, with the cases it could not carry. */
export interface EncodedBatch {
  /** The {@link WireBatch} as JSON. */
  text: string;
  /** Indices (in the given list) of the cases the text holds, in order. */
  kept: number[];
  /** Cases JSON cannot carry (a trigger with a BigInt, vars that are not JSON data), to be answered by the caller. */
  faults: Array<[index: number, fault: Problem]>;
}

/**
 * Encodes batches of cases for the workers. It remembers the variables objects it has found to be JSON data: most
 * runs share one such object across every batch, and checking it once is enough.
 */
export class BatchEncoder {
  private readonly checkedVars = new WeakSet<object>();

  /** The cases of one batch as the worker reads them ({@link decodeBatch}). */
  encode(cases: readonly PoolCase[]): EncodedBatch {
    const varsSeen = new Map<object, number>();
    const expectsSeen = new Map<object, number>();
    const columns = { vars: [] as string[], expects: [] as string[], meta: [] as string[], triggers: [] as string[] };
    /** The index of `value` in a list of distinct objects, adding it (as JSON) when it is new. */
    const listed = (seen: Map<object, number>, list: string[], value: object, check?: (value: object) => void): number => {
      let index = seen.get(value);
      if (index === undefined) {
        check?.(value);
        seen.set(value, (index = list.length));
        list.push(JSON.stringify(value));
      }
      return index;
    };
    const kept: number[] = [];
    const faults: Array<[number, Problem]> = [];
    const upstreams: string[] = [];
    cases.forEach((poolCase, i) => {
      let vars: number;
      let expect: number;
      let kind: number;
      let trigger: string | undefined;
      try {
        vars = listed(varsSeen, columns.vars, poolCase.vars, this.checkVars);
        expect = listed(expectsSeen, columns.expects, poolCase.expect);
        [kind, trigger] = encodeTrigger(poolCase);
      } catch (error) {
        const where = poolCase.source ?? poolCase.name;
        const message = isCxdaError(error)
          ? `${where}: ${error.message}`
          : `${where}: the trigger cannot be sent as JSON (${error instanceof Error ? error.message : String(error)}); a trigger is JSON data, as the platform sends it`;
        faults.push([i, { code: "E_CASE", message }]);
        return;
      }
      if (poolCase.upstream !== undefined) upstreams.push(JSON.stringify([kept.length, poolCase.upstream]));
      columns.triggers.push(trigger);
      columns.meta.push(`${kind},${vars},${expect},${poolCase.now === undefined || Number.isNaN(poolCase.now) ? "null" : poolCase.now}`);
      kept.push(i);
    });
    // One join over every piece copies the batch's text once; joining each list first and then the lists would copy
    // the triggers twice (the larger part of the main thread's cost per case when triggers are given).
    const parts: string[] = [];
    for (const [name, items] of Object.entries(columns)) {
      parts.push(parts.length === 0 ? `{"${name}":[` : `],"${name}":[`);
      items.forEach((item, i) => parts.push(i === 0 ? item : `,${item}`));
    }
    parts.push("]");
    if (upstreams.length > 0) parts.push(`,"upstreams":[${upstreams.join(",")}]`);
    parts.push("}");
    return { text: parts.join(""), kept, faults };
  }

  private readonly checkVars = (vars: object): void => {
    if (this.checkedVars.has(vars)) return;
    assertJsonData(vars, "vars");
    this.checkedVars.add(vars);
  };
}

/** A case's trigger kind and its entry in `triggers` (as JSON). */
function encodeTrigger(poolCase: PoolCase): [kind: number, json: string] {
  if ("generate" in poolCase) return [TRIGGER_KIND.generated, JSON.stringify([poolCase.generate.seed, poolCase.generate.index])];
  if ("changes" in poolCase) {
    const { set, unset, payload, seededAt } = poolCase.changes;
    const seeded = seededAt === undefined ? 0 : [poolCase.name, seededAt];
    return [TRIGGER_KIND.changed, JSON.stringify([poolCase.source ?? poolCase.name, set ?? 0, unset ?? 0, payload ?? 0, seeded])];
  }
  const json = JSON.stringify(poolCase.trigger) as string | undefined;
  return json === undefined ? [TRIGGER_KIND.absent, "0"] : [TRIGGER_KIND.given, json];
}

/** Reads a batch {@link BatchEncoder.encode} wrote; `prepare` is applied once to each distinct variables object. */
export function decodeBatch(
  text: string,
  prepare: (vars: Record<string, unknown>) => Readonly<Record<string, unknown>> = (vars) => vars,
): DecodedCase[] {
  const batch = JSON.parse(text) as WireBatch;
  const vars = batch.vars.map(prepare);
  const cases: DecodedCase[] = new Array<DecodedCase>(batch.triggers.length);
  for (let index = 0; index < cases.length; index++) {
    const at = index * 4;
    cases[index] = {
      trigger: decodeTrigger(batch.meta[at]!, batch.triggers[index]),
      vars: vars[batch.meta[at + 1]!]!,
      expect: batch.expects[batch.meta[at + 2]!]!,
      now: batch.meta[at + 3]!,
    };
  }
  for (const [position, upstream] of batch.upstreams ?? []) cases[position]!.upstream = upstream;
  return cases;
}

function decodeTrigger(kind: number, entry: unknown): TriggerSpec {
  switch (kind) {
    case TRIGGER_KIND.given:
      return { kind: "given", trigger: entry };
    case TRIGGER_KIND.absent:
      return { kind: "given", trigger: undefined };
    case TRIGGER_KIND.generated: {
      const [seed, index] = entry as [string, number];
      return { kind: "generated", ref: { seed, index } };
    }
    default: {
      const [where, set, unset, payload, seeded] = entry as [
        string,
        Record<string, unknown> | 0,
        string[] | 0,
        Record<string, unknown> | 0,
        [string, string | number] | 0,
      ];
      return {
        kind: "changed",
        where,
        set: set === 0 ? undefined : set,
        unset: unset === 0 ? undefined : unset,
        payload: payload === 0 ? undefined : payload,
        seeded: seeded === 0 ? undefined : { name: seeded[0], now: seeded[1] },
      };
    }
  }
}

/**
 * A case's trigger from what crossed, when it is not generated: given whole, or built from its changes over its
 * payload, the action's base trigger (`base`, frozen once by the worker and shared), or one seeded by the case's name,
 * exactly as `prepareCase` builds it on the main thread.
 * @throws CxdaError `E_CASE` when the changes cannot be applied.
 */
export function triggerOf(spec: Exclude<TriggerSpec, { kind: "generated" }>, base: Record<string, unknown> | undefined, actionId: string): unknown {
  if (spec.kind === "given") return spec.trigger;
  const from =
    spec.payload ??
    (spec.seeded === undefined
      ? base
      : (createPayload({}, { seed: spec.seeded.name, now: spec.seeded.now, dataActionId: actionId }) as Record<string, unknown>));
  if (from === undefined) throw new CxdaError("E_CASE", `${spec.where}: the case has no payload and the action no trigger.json to start from`);
  return applyCaseChanges(from, { set: spec.set, unset: spec.unset }, spec.where);
}

// ---------------------------------------------------------------------------------------------------------------------
// Timings: a row of numbers per case, written by the worker, read by the pool.

/** The steps a worker runs for each case, in order: a step added here gets its row slots and its trace entry. */
export const WORKER_STEPS = [
  ["validate-input", "validate input"],
  ["execute", "execute transform"],
  ["validate-output", "validate output"],
  ["compare", "compare with expectations"],
] as const satisfies ReadonlyArray<readonly [TraceStep["step"], string]>;

/** The index of each worker step in {@link WORKER_STEPS}. */
export const STEP = { validateInput: 0, execute: 1, validateOutput: 2, compare: 3 } as const;

/**
 * Numbers per case in {@link ResultsMessage.timings}: the case's duration, then the start and duration of each of its
 * {@link WORKER_STEPS}, all in milliseconds; starts are epoch based.
 */
export const TIMING_SLOTS = 1 + 2 * WORKER_STEPS.length;

/** Records when a step of the case whose row starts at `at` began, and how long it took. */
export function recordStep(timings: Float64Array, at: number, step: number, startedAt: number, durationMs: number): void {
  timings[at + 1 + 2 * step] = startedAt;
  timings[at + 2 + 2 * step] = durationMs;
}

/** Records the duration of the whole case. */
export function recordDuration(timings: Float64Array, at: number, durationMs: number): void {
  timings[at] = durationMs;
}

/** How long a step took, from a row. */
export function stepDuration(timings: Float64Array, at: number, step: number): number {
  return timings[at + 2 + 2 * step]!;
}

/** A row with nothing measured (a case the harness could not start). */
export function clearTimings(timings: Float64Array, at: number): void {
  timings.fill(0, at, at + TIMING_SLOTS);
}

/** What each of a case's worker steps found: `ok` and `detail` as in {@link TraceStep}. */
export type StepOutcomes = ReadonlyArray<readonly [ok: boolean | null, detail: Record<string, unknown> | undefined]>;

/** The outcomes of a plain pass: every step ok, no issues, no failures. */
export const PLAIN_PASS: StepOutcomes = [
  [true, { issues: 0 }],
  [true, undefined],
  [true, { issues: 0 }],
  [true, { failures: 0 }],
];

/** Milliseconds to the microsecond, as every duration and time in a result is given. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Builds a case's worker steps from its row of timings (starting at `at`). */
export function timedSteps(timings: Float64Array, at: number, outcomes: StepOutcomes): TraceStep[] {
  return WORKER_STEPS.map(([step, name], i) => {
    const [ok, detail] = outcomes[i]!;
    const entry: TraceStep = { step, name, ok, startedAt: roundMs(timings[at + 1 + 2 * i]!), durationMs: roundMs(timings[at + 2 + 2 * i]!) };
    // Each step gets its own detail object: a consumer may annotate one result's trace without touching another's.
    if (detail !== undefined) entry.detail = { ...detail };
    return entry;
  });
}

/** A case's duration from its row, rounded like every duration in a result. */
export function timedDuration(timings: Float64Array, at: number): number {
  return roundMs(timings[at]!);
}

// ---------------------------------------------------------------------------------------------------------------------
// Results: worker → pool.

/**
 * How each case of a chunk travels in {@link ResultsMessage.json}: `0` for a plain pass (every step ok, no issues; its
 * steps are rebuilt from the timings) in `summary` detail; `{ output, logs }` for a plain pass in `full` detail; and
 * `{ result }` (whole) for anything else.
 */
export type WireResult = 0 | { output?: unknown; logs?: WorkerCaseResult["logs"] } | { result: WorkerCaseResult };

/**
 * The message carrying the results of consecutive cases from `start`, with their timing rows. `structured`: the
 * results travel as data, not JSON (a transform changed a built-in that could not be put back, so JSON in that worker
 * is no longer to be trusted).
 */
export function encodeResults(batchId: number, start: number, wires: WireResult[], timings: Float64Array, structured = false): ResultsMessage {
  return structured
    ? { type: "results", batchId, start, json: "", wire: wires, timings }
    : { type: "results", batchId, start, json: JSON.stringify(wires), timings };
}

/**
 * The results a message carries, when they are well formed and continue a batch of `length` cases whose next result
 * is `next`; undefined otherwise (a message that is not to be trusted).
 */
export function decodeResults(message: ResultsMessage, next: number, length: number): WireResult[] | undefined {
  let wires: unknown;
  try {
    wires = message.wire ?? JSON.parse(message.json);
  } catch {
    return undefined;
  }
  // A chunk continues where the last one ended (an empty one, the batch's end, may carry any start).
  if (!Array.isArray(wires) || (wires.length > 0 && message.start !== next) || message.start + wires.length > length) return undefined;
  // The batch's last message comes with or after its last result.
  if (message.done !== undefined && (wires.length > 0 ? message.start + wires.length : next) !== length) return undefined;
  if (!(message.timings instanceof Float64Array) || message.timings.length < wires.length * TIMING_SLOTS) return undefined;
  for (let i = 0; i < wires.length * TIMING_SLOTS; i++) if (!Number.isFinite(message.timings[i])) return undefined;
  for (const wire of wires as unknown[]) if (!wellFormed(wire)) return undefined;
  return wires as WireResult[];
}

/** Whether a result as it crossed has the shape the runner relies on. */
function wellFormed(wire: unknown): boolean {
  if (wire === 0) return true;
  if (typeof wire !== "object" || wire === null) return false;
  if (!("result" in wire)) return !("logs" in wire) || Array.isArray((wire as { logs?: unknown }).logs);
  const result = (wire as { result: unknown }).result;
  if (typeof result !== "object" || result === null) return false;
  const fields = result as Record<string, unknown>;
  return (
    (fields.status === "pass" || fields.status === "fail" || fields.status === "error") &&
    Array.isArray(fields.issues) &&
    Array.isArray(fields.failures) &&
    Array.isArray(fields.logs) &&
    Array.isArray(fields.steps) &&
    typeof fields.durationMs === "number"
  );
}

/** A case's whole result from what crossed, its timing row starting at `at`. */
export function resultOf(wire: WireResult, timings: Float64Array, at: number): WorkerCaseResult {
  if (wire !== 0 && "result" in wire) return wire.result;
  const result: WorkerCaseResult = {
    status: "pass",
    issues: [],
    failures: [],
    logs: [],
    steps: timedSteps(timings, at, PLAIN_PASS),
    durationMs: timedDuration(timings, at),
  };
  if (wire !== 0) {
    if (wire.output !== undefined) result.output = wire.output;
    if (wire.logs !== undefined) result.logs = wire.logs;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// A worker's state: written by the worker in memory it shares with its sandbox process, read by the watchdog.

/** Slots of the Int32Array (over a SharedArrayBuffer) that says what a worker is doing, without a message per case. */
export const WORKER_STATE = {
  batchId: 0,
  index: 1,
  phase: 2,
  /** Milliseconds since the pool's epoch when the current phase began. */
  since: 3,
  length: 4,
} as const;

/** Values of the `phase` slot. */
export const WORKER_PHASE = { idle: 0, loading: 1, running: 2 } as const;

/** A fresh state, all slots zero (idle). */
export function createWorkerState(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(WORKER_STATE.length * Int32Array.BYTES_PER_ELEMENT));
}

/** The worker begins a batch. */
export function markBatch(state: Int32Array, batchId: number): void {
  Atomics.store(state, WORKER_STATE.batchId, batchId);
}

/** The worker enters `phase` on case `index` of its batch, now (`epoch`: the pool's start, so the time fits an Int32). */
export function markPhase(state: Int32Array, epoch: number, phase: number, index: number): void {
  Atomics.store(state, WORKER_STATE.index, index);
  Atomics.store(state, WORKER_STATE.since, Date.now() - epoch);
  Atomics.store(state, WORKER_STATE.phase, phase);
}

/** What the worker is doing, as the watchdog reads it. */
export function readWorkerState(state: Int32Array): WorkerSnapshot {
  return {
    batchId: Atomics.load(state, WORKER_STATE.batchId),
    index: Atomics.load(state, WORKER_STATE.index),
    phase: Atomics.load(state, WORKER_STATE.phase),
    since: Atomics.load(state, WORKER_STATE.since),
  };
}
