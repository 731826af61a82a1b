// cxda bench: the bare-loop limit against the full harness on the same cases, as cases per second and their ratio.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CxdaError } from "../core/errors.js";
import type { ActionDefinition, CaseDefinition } from "../core/types.js";
import { bundleTransform } from "../executor/bundle-transform.js";
import { toJsonOutput } from "../executor/json-output.js";
import { findActionDirs, loadAction, type LoadedAction } from "../runner/load-action.js";
import { runCases } from "../runner/run-cases.js";
import { createWorkerPool, type WorkerPool } from "../executor/worker-pool.js";
import type { ResultDetail } from "../executor/protocol.js";
import { createValidator } from "../validation/create-validator.js";
import { BENCH_SOURCES, createBenchMode, type BenchMode, type BenchSource, type CrossingMicros } from "./bench-sources.js";

export { BENCH_SOURCES, buildTriggers, type BenchSource } from "./bench-sources.js";

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** The action folder. */
  action: string;
  /** Where the cases come from (see {@link BenchSource}). @default "triggers" */
  source?: BenchSource;
  /** Cases per round. @default 10000 */
  cases?: number;
  /** Seed of the cases. @default "bench" */
  seed?: string;
  /** Workers for the harness. @default 1 */
  workers?: number;
  /** Measured rounds (after one warm-up round of each); the median is reported. @default 5 */
  rounds?: number;
  /** Where bundles go. @default ".cxda/build" */
  buildDir?: string;
}

/** {@link BenchOptions} with every default applied. */
export type ResolvedBenchOptions = Required<BenchOptions>;

/** What `cxda bench` measured. */
export interface BenchReport {
  action: string;
  /** Where the cases came from. */
  source: BenchSource;
  cases: number;
  workers: number;
  rounds: number;
  /**
   * Median cases per second of the bare loop: transform called directly, validators precompiled, no isolation. For the
   * `cases` and `generated` sources each case's trigger is also built and frozen here, as the worker does.
   */
  limitCasesPerSec: number;
  /**
   * Median cases per second of the full pipeline as `cxda test` runs it with its default reporter: passing cases
   * come back as status, duration and trace steps.
   */
  harnessCasesPerSec: number;
  /** The same with whole results (outputs and logs too), as with `--reporter json`, `--html` or `--trace`. */
  harnessFullCasesPerSec: number;
  /** Milliseconds to start the pool's workers and load the action in them (paid once per run, not per case). */
  poolStartMs: number;
  /** harness / limit. */
  ratio: number;
  /**
   * Peak resident set size in MB: cxda's process and its sandbox processes, each at its own peak, summed (an upper
   * bound of what the run held at once; Linux: elsewhere cxda's process alone).
   */
  peakRssMb: number;
  /**
   * Median CPU time per case, in microseconds, over every thread of the process (main and workers): what a case costs
   * whatever the other load on the machine, where cases per second depend on getting the cores.
   */
  cpuMicrosPerCase: { limit: number; harness: number; harnessFull: number };
  /**
   * What moving these cases to a worker and making their triggers there costs per case, in microseconds, measured here
   * on one thread. No design that runs the transform in another thread avoids them, so together with the limit's own
   * time they bound the harness (decision 5).
   * - `triggers`: `serialise` (JSON.stringify of each trigger, on the main thread), `parse` (JSON.parse of batches of
   *   256, in the worker), `freeze` (deepFreeze of each parsed trigger).
   * - `cases`: `serialise` (JSON.stringify of each case's `{ set }`), `parse` (JSON.parse of those in batches of 256),
   *   `build` (applyCaseChanges on the base trigger frozen once, or on the base generated for the case when the action
   *   has no trigger.json), `freeze` (deepFreeze of the built trigger).
   * - `generated`: `serialise` and `parse` of each `{ seed, index }` (as above; small), `build` (drawing the trigger
   *   from the input schema), `freeze` (deepFreeze of it).
   */
  crossingMicrosPerCase: CrossingMicros;
  /** Every round's cases per second, for the curious. */
  samples: { limit: number[]; harness: number[]; harnessFull: number[] };
}

/** One round's figures. */
interface RoundFigures {
  casesPerSec: number;
  cpuMicrosPerCase: number;
}

type Transform = (trigger: unknown, ctx: unknown) => unknown;

/**
 * Applies the defaults of {@link runBench} and rejects bad values.
 * @throws CxdaError `E_USAGE` for a source that is not one of {@link BENCH_SOURCES}, or a count, worker count or
 * number of rounds that is not a whole number from 1.
 * @example
 * resolveBenchOptions({ action: "examples/billing-callback", source: "cases" }); // { cases: 10000, rounds: 5, … }
 */
export function resolveBenchOptions(options: BenchOptions): ResolvedBenchOptions {
  const source = options.source ?? "triggers";
  if (!BENCH_SOURCES.includes(source)) {
    throw new CxdaError("E_USAGE", `source must be one of ${BENCH_SOURCES.join(", ")}, got ${JSON.stringify(source)}`, { context: { source } });
  }
  const resolved = {
    action: options.action,
    source,
    cases: options.cases ?? 10_000,
    seed: options.seed ?? "bench",
    workers: options.workers ?? 1,
    rounds: options.rounds ?? 5,
    buildDir: resolve(options.buildDir ?? join(".cxda", "build")),
  };
  for (const key of ["cases", "workers", "rounds"] as const) {
    if (!Number.isInteger(resolved[key]) || resolved[key] < 1)
      throw new CxdaError("E_USAGE", `${key} must be a whole number >= 1, got ${String(resolved[key])}`);
  }
  return resolved;
}

/**
 * Runs `round` and measures it: wall time for the rate, CPU time for the cost per case: this process's (all threads)
 * and, for the harness, its pool's sandbox processes'.
 */
async function measured(cases: number, round: () => Promise<void>, pool?: WorkerPool): Promise<RoundFigures> {
  const cpu = process.cpuUsage();
  const poolCpu = pool?.cpuMicros() ?? 0;
  const started = performance.now();
  await round();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const poolUsed = (pool?.cpuMicros() ?? 0) - poolCpu;
  return { casesPerSec: cases / seconds, cpuMicrosPerCase: (used.user + used.system + poolUsed) / cases };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The one action in `folder`, with a definition and a transform to measure. */
async function loadBenchAction(
  folder: string,
): Promise<{ dir: string; action: LoadedAction & { definition: ActionDefinition; transform: NonNullable<LoadedAction["transform"]> } }> {
  const dirs = await findActionDirs([folder]);
  if (dirs.length !== 1) throw new CxdaError("E_USAGE", `${folder}: holds ${dirs.length} actions; bench takes one action folder`);
  const action = await loadAction(dirs[0]!);
  if (action.definition === undefined) throw new CxdaError("E_DEFINITION", action.definitionError?.message ?? `${folder}: no definition`);
  if (action.transform === undefined) throw new CxdaError("E_TRANSFORM", `${folder}: no transform to measure`);
  return { dir: dirs[0]!, action: { ...action, definition: action.definition, transform: action.transform } };
}

/**
 * The limit's round: the compiled transform called directly on this thread, validators compiled up front, each case's
 * trigger made as the mode says (taken as built, or built and frozen as the worker would).
 */
async function createLimitRound(
  action: Awaited<ReturnType<typeof loadBenchAction>>["action"],
  mode: BenchMode,
  buildDir: string,
): Promise<() => Promise<RoundFigures>> {
  const { definition } = action;
  const bundle = await bundleTransform(action.transform, { buildDir, allow: { network: false, fsWrite: false } });
  const module = (await import(pathToFileURL(bundle.file).href)) as { default?: Transform; transform?: Transform };
  const transform = module.default ?? module.transform;
  if (typeof transform !== "function") throw new CxdaError("E_TRANSFORM", `${bundle.label}: no default export function to measure`);
  const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
  const output = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft });
  const ctx = Object.freeze({
    actionId: definition.id,
    env: "sandbox",
    vars: Object.freeze({}),
    now: () => new Date(Date.UTC(2026, 0, 1)),
    log: () => undefined,
  });
  const count = mode.cases.length;
  return () =>
    measured(count, async () => {
      for (let i = 0; i < count; i++) {
        const trigger = mode.triggerOf(i);
        if (input.validate(trigger).length > 0) continue;
        const result = toJsonOutput(await transform(trigger, ctx));
        output.validate(result);
      }
    });
}

/** The harness's round: the full pipeline, as `cxda test` runs it, on the mode's cases (or the first few). */
function createHarnessRound(dir: string, buildDir: string, cases: CaseDefinition[]) {
  return (pool: WorkerPool, passDetail: ResultDetail, slice = cases): Promise<RoundFigures> =>
    measured(
      slice.length,
      async () => {
        let seen = 0;
        for await (const result of runCases({ actions: [dir], cases: slice, pool, buildDir, passDetail })) {
          if (result.status === "error")
            throw new CxdaError("E_TRANSFORM", `bench: case ${result.case} ended in ${result.error?.code}: ${result.error?.message}`);
          seen++;
        }
        if (seen !== slice.length) throw new Error(`bench: expected ${slice.length} results, got ${seen}`);
      },
      pool,
    );
}

/** The median of each crossing step over `rounds`, to 0.01 µs. */
function medianCrossing(rounds: CrossingMicros[]): CrossingMicros {
  const step = (key: keyof CrossingMicros): number => Math.round(median(rounds.map((round) => round[key] ?? 0)) * 100) / 100;
  const build = rounds[0]?.build === undefined ? {} : { build: step("build") };
  return { serialise: step("serialise"), parse: step("parse"), ...build, freeze: step("freeze") };
}

/**
 * Measures the bare-loop limit and the harness on the same cases, in one process, warm-up first.
 * @throws CxdaError `E_USAGE` for bad options or a folder of several actions; `E_DEFINITION`, `E_TRANSFORM` when the
 * action cannot be measured; `E_SCHEMA` for `source: "cases"` on an input schema with nothing to set.
 * @example
 * const report = await runBench({ action: "examples/billing-callback", source: "cases", cases: 10000, workers: 2 });
 * report.ratio; // harness / limit
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const { source, cases: count, seed, workers, rounds, buildDir } = resolveBenchOptions(options);
  const { dir, action } = await loadBenchAction(options.action);
  const { definition } = action;
  // Setting up the cases (drawing values, building triggers) is not measured.
  const mode = createBenchMode(source, { definition, defaultTrigger: action.defaultTrigger, count, seed });
  const limitRound = await createLimitRound(action, mode, buildDir);
  // The pool is started once, like a run's, and kept warm across rounds; its start-up is reported on its own.
  const harnessRound = createHarnessRound(dir, buildDir, mode.cases);

  mode.crossing();
  const crossing = Array.from({ length: rounds }, () => mode.crossing());
  mode.release();

  const poolStarted = performance.now();
  const pool = await createWorkerPool({ workers, readPaths: [dir, buildDir] });
  const samples = { limit: [] as RoundFigures[], harness: [] as RoundFigures[], harnessFull: [] as RoundFigures[] };
  let poolStartMs: number;
  /** The sandbox processes' peaks, read before they end. */
  let sandboxPeakBytes: number;
  try {
    // The first case of each worker loads the transform and compiles the validators: that is the pool's start-up.
    await harnessRound(pool, "summary", mode.cases.slice(0, workers));
    poolStartMs = performance.now() - poolStarted;
    await limitRound();
    await harnessRound(pool, "summary");
    await harnessRound(pool, "full");
    for (let round = 0; round < rounds; round++) {
      samples.limit.push(await limitRound());
      samples.harness.push(await harnessRound(pool, "summary"));
      samples.harnessFull.push(await harnessRound(pool, "full"));
    }
    sandboxPeakBytes = pool.peakRssBytes() ?? 0;
  } finally {
    await pool.close();
  }
  const rate = (figures: RoundFigures[]): number => Math.round(median(figures.map((f) => f.casesPerSec)));
  const cpu = (figures: RoundFigures[]): number => Math.round(median(figures.map((f) => f.cpuMicrosPerCase)) * 100) / 100;
  const limitCasesPerSec = rate(samples.limit);
  const harnessCasesPerSec = rate(samples.harness);
  return {
    action: definition.id,
    source,
    cases: count,
    workers,
    rounds,
    limitCasesPerSec,
    harnessCasesPerSec,
    harnessFullCasesPerSec: rate(samples.harnessFull),
    poolStartMs: Math.round(poolStartMs),
    ratio: Math.round((harnessCasesPerSec / limitCasesPerSec) * 1000) / 1000,
    peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024 + sandboxPeakBytes) / (1024 * 1024)),
    cpuMicrosPerCase: { limit: cpu(samples.limit), harness: cpu(samples.harness), harnessFull: cpu(samples.harnessFull) },
    crossingMicrosPerCase: medianCrossing(crossing),
    samples: {
      limit: samples.limit.map((f) => Math.round(f.casesPerSec)),
      harness: samples.harness.map((f) => Math.round(f.casesPerSec)),
      harnessFull: samples.harnessFull.map((f) => Math.round(f.casesPerSec)),
    },
  };
}
