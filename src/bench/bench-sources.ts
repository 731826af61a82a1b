// Where `cxda bench`'s cases come from (triggers, case files, the generator): the harness's case list, how the limit
// builds each case's trigger on one thread, and what moving and building that case costs.
import { applyCaseChanges } from "../cases/case-trigger.js";
import type { ActionDefinition, CaseDefinition } from "../core/types.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import { createPayload } from "../payloads/create-payload.js";
import { createTriggerSource } from "../payloads/generated-trigger.js";
import { benchCaseName, buildSetCases, caseBase } from "./set-cases.js";

/** The sources `cxda bench --source` takes. */
export const BENCH_SOURCES = ["triggers", "cases", "generated"] as const;

/**
 * Where the bench's cases come from: `triggers`, whole triggers built on the main thread (as `cxda run` and cases with
 * a `payload`); `cases`, case-file cases that `set` a few paths of the action's base trigger; `generated`, a seed and
 * an index from which the worker draws the trigger (as `cxda test --generate`).
 */
export type BenchSource = (typeof BENCH_SOURCES)[number];

/**
 * Microseconds per case of each step that moving a case to a worker and building its trigger there takes: see
 * `BenchReport.crossingMicrosPerCase`. `build` only for the sources whose trigger is built in the worker.
 */
export interface CrossingMicros {
  serialise: number;
  parse: number;
  build?: number;
  freeze: number;
}

/** One source, ready to measure. */
export interface BenchMode {
  source: BenchSource;
  /** The cases the harness runs. */
  cases: CaseDefinition[];
  /** The trigger the limit runs case `index` on, built (and frozen) on this thread as the worker builds it. */
  triggerOf(index: number): unknown;
  /** One round of the crossing's steps over every case, on this thread. */
  crossing(): CrossingMicros;
  /** Lets go of what only the crossing needed, so this thread's heap is what `cxda test` has while the harness runs. */
  release(): void;
}

/** What every source is made from. */
export interface BenchModeInput {
  definition: ActionDefinition;
  /** The action's trigger.json, when it has one. */
  defaultTrigger: Record<string, unknown> | undefined;
  count: number;
  seed: string;
}

/** Cases per batch when measuring the crossing, as the pool sends them. */
const CROSSING_BATCH = 256;

/**
 * The bench's triggers: varied (tiers, categories and scores change with the index) and the same for every
 * measurement, here and in benchmarks/case-costs.mjs.
 */
export function buildTriggers(count: number, seed: string, dataActionId: string): Array<Record<string, unknown>> {
  const categories = ["billing", "technical", "account", "general"];
  return Array.from(
    { length: count },
    (_, i) =>
      createPayload(
        {
          contact: { attributes: { tier: i % 3 === 0 ? "premium" : "standard" } },
          data: { customFields: { issueCategory: categories[i % 4], resolutionScore: i % 101 } },
        },
        { seed: `${seed}-${i}`, now: Date.UTC(2026, 0, 1) + i * 1000, dataActionId },
      ) as Record<string, unknown>,
  );
}

/** `items` as the pool sends them: one JSON string per batch. */
function batchesOf(items: readonly unknown[]): string[] {
  const batches: string[] = [];
  for (let i = 0; i < items.length; i += CROSSING_BATCH) batches.push(JSON.stringify(items.slice(i, i + CROSSING_BATCH)));
  return batches;
}

/** Microseconds per case since `started`. */
function perCase(started: number, count: number): number {
  return ((performance.now() - started) * 1000) / count;
}

/** Whole triggers built here: they cross as JSON, and the worker parses and freezes them. */
function triggersMode({ definition, count, seed }: BenchModeInput): BenchMode {
  const triggers = buildTriggers(count, seed, definition.id);
  const batches = batchesOf(triggers);
  return {
    source: "triggers",
    cases: triggers.map((payload, i) => ({ name: benchCaseName(i), payload, expect: {} })),
    triggerOf: (index) => triggers[index],
    crossing() {
      let started = performance.now();
      for (const trigger of triggers) JSON.stringify(trigger);
      const serialise = perCase(started, count);
      started = performance.now();
      const parsed = batches.map((batch) => JSON.parse(batch) as unknown[]);
      const parse = perCase(started, count);
      started = performance.now();
      for (const batch of parsed) for (const trigger of batch) deepFreeze(trigger);
      return { serialise, parse, freeze: perCase(started, count) };
    },
    release: () => void (batches.length = 0),
  };
}

/**
 * A source whose cases cross small (`wire`, what the worker receives of each) and whose triggers the worker builds
 * (`build`): the limit builds and freezes each trigger, and the crossing measures each of those steps.
 */
function builtInWorker(source: BenchSource, cases: CaseDefinition[], wire: readonly unknown[], build: (index: number) => unknown): BenchMode {
  const batches = batchesOf(wire);
  const count = cases.length;
  return {
    source,
    cases,
    triggerOf: (index) => deepFreeze(build(index)),
    crossing() {
      let started = performance.now();
      for (const item of wire) JSON.stringify(item);
      const serialise = perCase(started, count);
      started = performance.now();
      for (const batch of batches) JSON.parse(batch);
      const parse = perCase(started, count);
      const built = new Array<unknown>(count);
      started = performance.now();
      for (let i = 0; i < count; i++) built[i] = build(i);
      const buildMicros = perCase(started, count);
      started = performance.now();
      for (const trigger of built) deepFreeze(trigger);
      return { serialise, parse, build: buildMicros, freeze: perCase(started, count) };
    },
    release: () => void (batches.length = 0),
  };
}

/**
 * Case-file cases: each case's `{ set }` crosses, and its trigger is the base with those changes, built on a base
 * frozen once (as a worker holds an action's trigger.json), or on the base generated for the case's name.
 */
function casesMode({ definition, defaultTrigger, count, seed }: BenchModeInput): BenchMode {
  const { cases } = buildSetCases(definition, defaultTrigger, count, seed);
  const frozenBase = defaultTrigger === undefined ? undefined : deepFreeze(structuredClone(defaultTrigger));
  const build = (index: number): Record<string, unknown> => {
    const { name, set } = cases[index]!;
    return applyCaseChanges(frozenBase ?? caseBase(name, definition, undefined), { set }, name);
  };
  return builtInWorker(
    "cases",
    cases,
    cases.map(({ set }) => ({ set })),
    build,
  );
}

/** Generated cases: a seed and an index cross, and the worker draws the trigger from the input schema. */
function generatedMode({ definition, count, seed }: BenchModeInput): BenchMode {
  const refs = Array.from({ length: count }, (_, index) => ({ seed, index }));
  const cases = refs.map((generate, i): CaseDefinition => ({ name: benchCaseName(i), generate, expect: {} }));
  const triggerOf = createTriggerSource(definition.inputSchema, { draft: definition.meta.inputDraft, dataActionId: definition.id });
  return builtInWorker("generated", cases, refs, (index) => triggerOf(refs[index]!));
}

/**
 * The cases of `source` and how to measure them.
 * @example
 * const mode = createBenchMode("cases", { definition, defaultTrigger: action.defaultTrigger, count: 1000, seed: "bench" });
 * mode.triggerOf(0); // the frozen trigger of "bench #0"
 */
export function createBenchMode(source: BenchSource, input: BenchModeInput): BenchMode {
  if (source === "cases") return casesMode(input);
  if (source === "generated") return generatedMode(input);
  return triggersMode(input);
}
