// Runs actions' cases through the worker pool and streams their results, in a stable order.
import { join, resolve } from "node:path";
import { availableParallelism } from "node:os";
import { DEFAULT_ENV } from "../config/defaults.js";
import type { CaseDefinition, ActionDefinition, CaseResult, RunSummary } from "../core/types.js";
import { createWorkerPool, resolveWorkerPoolOptions, type WorkerPool, type WorkerPoolOptions } from "../executor/worker-pool.js";
import type { BatchInstrumentation, InstrumentOptions, ResultDetail } from "../executor/protocol.js";
import type { EventBus } from "../bus/event-bus.js";
import { findActionDirs } from "./find-action-dirs.js";
import type { DefinitionResolution } from "./load-action.js";
import type { ParityOptions } from "./parity.js";
import { planRun, type ActionCache } from "./run-plan.js";
import { RunExecution } from "./run-execution.js";
import type { PoolReserve } from "./pool-reserve.js";
import type { UpstreamOptions } from "./upstream-service.js";

/** Options of {@link runCases}. */
export interface RunCasesOptions extends WorkerPoolOptions {
  /** Action folders, or folders holding action folders. */
  actions: string[];
  /** Variables for `ctx.vars`; a case's own `vars` win. @default {} */
  vars?: Record<string, unknown>;
  /** `ctx.env` seen by transforms. @default "sandbox" */
  env?: string;
  /** Where bundled transforms are written. @default ".cxda/build" */
  buildDir?: string;
  /** Run these cases instead of each action's case files (what `cxda run` does with one trigger). */
  cases?: CaseDefinition[];
  /** Keeps only the cases for which this returns true (`--filter`, `--shard`); `source` is the case's file#index. */
  select?: (action: string, caseName: string, source: string) => boolean;
  /** More cases for each action, after its case files (generated triggers, say). A throw becomes an error result. */
  extraCases?: (definition: ActionDefinition) => Iterable<CaseDefinition>;
  /** A pool to run on; when absent one is started for the run and stopped after it. */
  pool?: WorkerPool;
  /** Deliver every case through this bus: it sees each trigger and every step's event. */
  bus?: EventBus;
  /** Where definitions come from when a folder has no definition.json: the cache, then a pull. */
  definitions?: DefinitionResolution;
  /** Also run each case on the platform's execute endpoint and fail it when the outputs differ. */
  parity?: ParityOptions;
  /**
   * What a passing case's result carries: `full`, everything; `summary`, its status, duration and trace steps, but
   * no output and no logs (for a run that shows passing cases by name alone: much less crosses from the workers).
   * Cases that do not pass always come whole; parity and an active bus always get whole results. @default "full"
   */
  passDetail?: ResultDetail;
  /** Measure inside the workers: V8 coverage of the transform, a CPU profile. @default nothing measured */
  instrument?: InstrumentOptions;
  /**
   * Receives what each batch measured. Every call happens before the iteration over `runCases` ends, so once a
   * `for await` loop over it finishes, every measurement has arrived. Only called when `instrument` asks for something.
   */
  onInstrumentation?: (data: ActionInstrumentation) => void;
  /**
   * Actions kept loaded between runs (what `createBus` gives each publish): an action is loaded again only when a file
   * of its folder changes. @default every run loads its actions
   */
  actionCache?: ActionCache;
  /**
   * Where the run's own pool comes from and goes back to: a pool booted ahead of the run, and the next one started
   * as this run ends (watch mode's reruns). @default a pool started for the run and stopped after it
   */
  reserve?: PoolReserve;
  /**
   * Told, for each action whose transform was bundled, which files the bundle was built from: its inputs and what
   * decides how they compile (folders whose listing counts, tsconfig/jsconfig/package.json files, present or not); for
   * a transform that does not compile, the files read before it failed and where its relative imports point (the
   * nearest existing folder above each: a helper written after its import). What watch mode watches.
   */
  onBundle?: (dir: string, files: BundleFiles) => void;
  /**
   * How declarative (Genesys) actions run: their upstream (`live`, `recordDir`) and whether an unresolved template
   * reference is an error (`strict`). @default the loopback stub serving each case's `upstream`, references as warnings
   */
  declarative?: DeclarativeRunOptions;
}

/** See {@link RunCasesOptions.declarative}. */
export interface DeclarativeRunOptions extends UpstreamOptions {
  /** An unresolved `${…}` in a template is an `E_TEMPLATE` error, not a warning. @default false */
  strict?: boolean;
}

/** What a transform's bundle was built from (see {@link RunCasesOptions.onBundle}); absolute paths. */
export interface BundleFiles {
  /** Every file compiled into the bundle. */
  inputs: string[];
  /** Folders whose listing counts, config files and `node_modules` folders looked at (see `BundledTransform.context`). */
  context: string[];
}

/** Run options with every default applied, once: what the plan and the execution read. */
export type ResolvedRunCasesOptions = RunCasesOptions &
  Required<Pick<RunCasesOptions, "vars" | "env" | "buildDir" | "passDetail" | "allowNetwork" | "allowFsWrite">> & { workers: number };

/**
 * Applies the defaults of {@link runCases} (the pool's own are applied by the pool): variables `{}`, env
 * {@link DEFAULT_ENV}, bundles in `.cxda/build` (made absolute), `full` results, no network, no file writes, as many
 * workers as cores.
 * @example
 * resolveRunCasesOptions({ actions: ["examples"] }).env; // "sandbox"
 */
export function resolveRunCasesOptions(options: RunCasesOptions): ResolvedRunCasesOptions {
  return {
    ...options,
    vars: options.vars ?? {},
    env: options.env ?? DEFAULT_ENV,
    buildDir: resolve(options.buildDir ?? join(".cxda", "build")),
    passDetail: options.passDetail ?? "full",
    allowNetwork: options.allowNetwork ?? false,
    allowFsWrite: options.allowFsWrite ?? false,
    workers: options.workers ?? availableParallelism(),
  };
}

/** One batch's measurements, labelled with the action (as in `CaseResult.action`) and its transform bundle. */
export interface ActionInstrumentation extends BatchInstrumentation {
  action: string;
  /** Absolute path of the bundled transform the measurements refer to. */
  bundle: string;
}

/**
 * Runs every case of the given actions in worker threads and yields each `CaseResult` as soon as it and all results
 * before it are known: actions in folder order, cases in file order. Broken definitions, case files and transforms
 * become error results; the other cases still run. Throws `E_USAGE` only when a path holds no action. A run's own
 * pool grows to at most `workers` sandboxes; a run of fewer than 64 cases keeps to one unless its first case shows the
 * rest will take longer than about 150 ms.
 * @example
 * for await (const result of runCases({ actions: ["examples/billing-callback"] })) console.log(result.case, result.status);
 */
export async function* runCases(given: RunCasesOptions): AsyncGenerator<CaseResult, void, undefined> {
  const options = resolveRunCasesOptions(given);
  const dirs = await findActionDirs(options.actions);
  // A run's own pool starts with one worker now, so that it boots while definitions load and transforms bundle; it
  // grows to its full size once the cases are known.
  // Bad pool options are refused now, as they were when the pool started at its full size.
  if (options.pool === undefined) resolveWorkerPoolOptions(given);
  const poolOptions: WorkerPoolOptions = { ...given, ...sandboxOptions(options, dirs), workers: 1 };
  const early = options.pool === undefined ? (options.reserve?.take(poolOptions) ?? createWorkerPool(poolOptions)) : undefined;
  // Its failure (bad pool options) is reported where the run first waits for it, not as an unhandled rejection.
  early?.catch(() => undefined);
  try {
    return yield* runLoaded(options, dirs, early);
  } finally {
    // The run's own pool ends with the run, however it ends (finished, stopped early, an error while loading).
    if (early !== undefined)
      await early.then(
        (pool) => (options.reserve === undefined ? pool.close() : options.reserve.release(pool, poolOptions)),
        () => undefined,
      );
  }
}

/**
 * What a run's own sandbox may read (its action folders and the bundles' folder), and whether it must open the
 * inspector (coverage and profiles need it).
 */
function sandboxOptions(options: ResolvedRunCasesOptions, dirs: string[]): Pick<WorkerPoolOptions, "readPaths" | "inspector"> {
  const measuring = options.instrument !== undefined && (options.instrument.coverage === true || options.instrument.profile !== undefined);
  return { readPaths: [...(options.readPaths ?? []), ...dirs, options.buildDir], inspector: measuring };
}

async function* runLoaded(
  options: ResolvedRunCasesOptions,
  dirs: string[],
  early: Promise<WorkerPool> | undefined,
): AsyncGenerator<CaseResult, void, undefined> {
  const plan = await planRun(options, dirs);
  const pool = options.pool ?? (plan.runs.length > 0 ? await early : undefined);
  yield* new RunExecution(plan, options, pool, early !== undefined).results();
}

/**
 * Counts results into a summary as they come: the one place a run's summary is counted (the report session and
 * {@link summarise} both use it).
 * @example
 * const counter = new SummaryCounter();
 * for await (const result of runCases(options)) counter.add(result);
 * counter.summary(); // { total: 14, passed: 14, failed: 0, errors: 0, durationMs: 3.2 }
 */
export class SummaryCounter {
  private total = 0;
  private passed = 0;
  private errors = 0;
  private notRun = 0;
  private caseTime = 0;

  add(result: Pick<CaseResult, "status" | "durationMs" | "notRun">): void {
    this.total++;
    if (result.status === "pass") this.passed++;
    if (result.status === "error") this.errors++;
    if (result.notRun === true) this.notRun++;
    this.caseTime += result.durationMs;
  }

  /** The summary so far; `durationMs` is the run's wall time, else the sum of the cases' durations. */
  summary(durationMs?: number): RunSummary {
    const { total, passed, errors, notRun } = this;
    const summary: RunSummary = {
      total,
      passed,
      failed: total - passed,
      errors,
      durationMs: Math.round((durationMs ?? this.caseTime) * 1000) / 1000,
    };
    if (notRun > 0) summary.notRun = notRun;
    return summary;
  }
}

/**
 * Counts results into a summary.
 * @example
 * summarise(results); // { total: 8, passed: 7, failed: 1, errors: 0, durationMs: 12.5 }
 */
export function summarise(results: Iterable<Pick<CaseResult, "status" | "durationMs" | "notRun">>, durationMs?: number): RunSummary {
  const counter = new SummaryCounter();
  for (const result of results) counter.add(result);
  return counter.summary(durationMs);
}
