// cxda bench: the bare-loop limit against the full harness on the same triggers, as cases per second and their ratio.
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { CxdaError } from "../core/errors.js";
import type { CaseDefinition } from "../core/types.js";
import { bundleTransform } from "../executor/bundle-transform.js";
import { toJsonOutput } from "../executor/json-output.js";
import { createPayload } from "../payloads/create-payload.js";
import { findActionDirs, loadAction } from "../runner/load-action.js";
import { runCases } from "../runner/run-cases.js";
import { createWorkerPool, type WorkerPool } from "../executor/worker-pool.js";
import type { ResultDetail } from "../executor/protocol.js";
import { createValidator } from "../validation/create-validator.js";
import { deepFreeze } from "../internal/deep-freeze.js";

/** Options of {@link runBench}. */
export interface BenchOptions {
  /** The action folder. */
  action: string;
  /** Triggers per round. @default 10000 */
  cases?: number;
  /** Seed of the triggers. @default "bench" */
  seed?: string;
  /** Workers for the harness. @default 1 */
  workers?: number;
  /** Measured rounds (after one warm-up round of each); the median is reported. @default 5 */
  rounds?: number;
  /** Where bundles go. @default ".cxda/build" */
  buildDir?: string;
}

/** What `cxda bench` measured. */
export interface BenchReport {
  action: string;
  cases: number;
  workers: number;
  rounds: number;
  /** Median cases per second of the bare loop: transform called directly, validators precompiled, no isolation. */
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
  /** Peak resident set size of the process (workers included), in MB. */
  peakRssMb: number;
  /**
   * Median CPU time per case, in microseconds, over every thread of the process (main and workers): what a case costs
   * whatever the other load on the machine, where cases per second depend on getting the cores.
   */
  cpuMicrosPerCase: { limit: number; harness: number; harnessFull: number };
  /**
   * What moving these triggers to a worker costs per case, in microseconds, measured here on one thread: serialising
   * on the main thread, parsing a batch in the worker, freezing it there. No design that runs the transform in
   * another thread avoids them, so together with the limit's own time they bound the harness (decision 5).
   */
  crossingMicrosPerCase: { serialise: number; parse: number; freeze: number };
  /** Every round's cases per second, for the curious. */
  samples: { limit: number[]; harness: number[]; harnessFull: number[] };
}

/** One round's figures. */
interface RoundFigures {
  casesPerSec: number;
  cpuMicrosPerCase: number;
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

/**
 * The bench's triggers: varied (tiers, categories and scores change with the index) and the same for every
 * measurement, here and in benchmarks/case-costs.mjs.
 */
export function buildTriggers(count: number, seed: string, dataActionId: string): Array<Record<string, unknown>> {
  const categories = ["billing", "technical", "account", "general"];
  return Array.from({ length: count }, (_, i) =>
    createPayload(
      { contact: { attributes: { tier: i % 3 === 0 ? "premium" : "standard" } }, data: { customFields: { issueCategory: categories[i % 4], resolutionScore: i % 101 } } },
      { seed: `${seed}-${i}`, now: Date.UTC(2026, 0, 1) + i * 1000, dataActionId },
    ) as Record<string, unknown>,
  );
}

type Transform = (trigger: unknown, ctx: unknown) => unknown;

/** Triggers per batch when measuring the crossing, as the pool sends them. */
const CROSSING_BATCH = 256;

/**
 * Measures the bare-loop limit and the harness on the same triggers, in one process, warm-up first.
 * @example
 * const report = await runBench({ action: "examples/billing-callback", cases: 10000, workers: 2 });
 * report.ratio; // harness / limit
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const count = options.cases ?? 10_000;
  const rounds = options.rounds ?? 5;
  const workers = options.workers ?? 1;
  const seed = options.seed ?? "bench";
  const dirs = await findActionDirs([options.action]);
  if (dirs.length !== 1) throw new CxdaError("E_USAGE", `${options.action}: holds ${dirs.length} actions; bench takes one action folder`);
  const action = await loadAction(dirs[0]!);
  if (action.definition === undefined) throw new CxdaError("E_DEFINITION", action.definitionError?.message ?? `${options.action}: no definition`);
  if (action.transform === undefined) throw new CxdaError("E_TRANSFORM", `${options.action}: no transform to measure`);
  const definition = action.definition;
  const triggers = buildTriggers(count, seed, definition.id);

  // The limit: the compiled transform called directly on the main thread, validators compiled up front.
  const buildDir = resolve(options.buildDir ?? join(".cxda", "build"));
  const bundle = await bundleTransform(action.transform, { buildDir, allow: { network: false, fsWrite: false } });
  const module = (await import(pathToFileURL(bundle.file).href)) as { default?: Transform; transform?: Transform };
  const transform = module.default ?? module.transform;
  if (typeof transform !== "function") throw new CxdaError("E_TRANSFORM", `${bundle.label}: no default export function to measure`);
  const input = createValidator(definition.inputSchema, { side: "input", draft: definition.meta.inputDraft });
  const output = createValidator(definition.outputSchema, { side: "output", draft: definition.meta.outputDraft });
  const ctx = Object.freeze({ actionId: definition.id, env: "sandbox", vars: Object.freeze({}), now: () => new Date(Date.UTC(2026, 0, 1)), log: () => undefined });
  const limitRound = (): Promise<RoundFigures> =>
    measured(count, async () => {
      for (const trigger of triggers) {
        if (input.validate(trigger).length > 0) continue;
        const result = toJsonOutput(await transform(trigger, ctx));
        output.validate(result);
      }
    });

  // The harness: the full pipeline, as `cxda test` runs it, on the same triggers. The pool is started once, like a
  // run's, and kept warm across rounds; its start-up is reported on its own.
  const cases: CaseDefinition[] = triggers.map((payload, i) => ({ name: `bench #${i}`, payload, expect: {} }));
  const harnessRound = (pool: WorkerPool, passDetail: ResultDetail, slice = cases): Promise<RoundFigures> =>
    measured(slice.length, async () => {
      let seen = 0;
      for await (const result of runCases({ actions: dirs, cases: slice, pool, buildDir, passDetail })) {
        if (result.status === "error") throw new CxdaError("E_TRANSFORM", `bench: case ${result.case} ended in ${result.error?.code}: ${result.error?.message}`);
        seen++;
      }
      if (seen !== slice.length) throw new Error(`bench: expected ${slice.length} results, got ${seen}`);
    }, pool);

  // What crossing to a worker costs on these triggers, stage by stage.
  const batches: string[] = [];
  for (let i = 0; i < count; i += CROSSING_BATCH) batches.push(JSON.stringify(triggers.slice(i, i + CROSSING_BATCH)));
  const crossingRound = (): { serialise: number; parse: number; freeze: number } => {
    const micros = (started: number): number => ((performance.now() - started) * 1000) / count;
    let started = performance.now();
    for (const trigger of triggers) JSON.stringify(trigger);
    const serialise = micros(started);
    started = performance.now();
    const parsed = batches.map((batch) => JSON.parse(batch) as unknown[]);
    const parse = micros(started);
    started = performance.now();
    for (const batch of parsed) for (const trigger of batch) deepFreeze(trigger);
    return { serialise, parse, freeze: micros(started) };
  };
  crossingRound();
  const crossing = Array.from({ length: rounds }, crossingRound);
  // Let the batches go before the harness runs: the main thread's heap should be what `cxda test` has.
  batches.length = 0;

  const poolStarted = performance.now();
  const pool = await createWorkerPool({ workers, readPaths: [...dirs, buildDir] });
  const samples = { limit: [] as RoundFigures[], harness: [] as RoundFigures[], harnessFull: [] as RoundFigures[] };
  let poolStartMs: number;
  try {
    // The first case of each worker loads the transform and compiles the validators: that is the pool's start-up.
    await harnessRound(pool, "summary", cases.slice(0, workers));
    poolStartMs = performance.now() - poolStarted;
    await limitRound();
    await harnessRound(pool, "summary");
    await harnessRound(pool, "full");
    for (let round = 0; round < rounds; round++) {
      samples.limit.push(await limitRound());
      samples.harness.push(await harnessRound(pool, "summary"));
      samples.harnessFull.push(await harnessRound(pool, "full"));
    }
  } finally {
    await pool.close();
  }
  const rate = (figures: RoundFigures[]): number => Math.round(median(figures.map((f) => f.casesPerSec)));
  const cpu = (figures: RoundFigures[]): number => Math.round(median(figures.map((f) => f.cpuMicrosPerCase)) * 100) / 100;
  const limitCasesPerSec = rate(samples.limit);
  const harnessCasesPerSec = rate(samples.harness);
  return {
    action: definition.id,
    cases: count,
    workers,
    rounds,
    limitCasesPerSec,
    harnessCasesPerSec,
    harnessFullCasesPerSec: rate(samples.harnessFull),
    poolStartMs: Math.round(poolStartMs),
    ratio: Math.round((harnessCasesPerSec / limitCasesPerSec) * 1000) / 1000,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuMicrosPerCase: { limit: cpu(samples.limit), harness: cpu(samples.harness), harnessFull: cpu(samples.harnessFull) },
    crossingMicrosPerCase: {
      serialise: Math.round(median(crossing.map((c) => c.serialise)) * 100) / 100,
      parse: Math.round(median(crossing.map((c) => c.parse)) * 100) / 100,
      freeze: Math.round(median(crossing.map((c) => c.freeze)) * 100) / 100,
    },
    samples: {
      limit: samples.limit.map((f) => Math.round(f.casesPerSec)),
      harness: samples.harness.map((f) => Math.round(f.casesPerSec)),
      harnessFull: samples.harnessFull.map((f) => Math.round(f.casesPerSec)),
    },
  };
}
