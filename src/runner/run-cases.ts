// Runs actions' cases through the worker pool and streams their results, in a stable order.
import { join, relative, resolve } from "node:path";
import { availableParallelism } from "node:os";
import { CxdaError } from "../core/errors.js";
import type { ActionDefinition, CaseDefinition, CaseResult, GeneratedTriggerRef, RunSummary } from "../core/types.js";
import { prepareCase, prepareGeneratedCase, referenceCase } from "../cases/prepare-case.js";
import type { LoadedCase } from "../cases/load-cases.js";
import { bundleTransform } from "../executor/bundle-transform.js";
import { createWorkerPool, resolveWorkerPoolOptions, type RunMeasurement, type WorkerPool, type WorkerPoolOptions } from "../executor/worker-pool.js";
import type { BatchInstrumentation, InstrumentOptions, PoolCase, ResultDetail, WorkerAction, WorkerCaseResult } from "../executor/protocol.js";
import type { EventBus } from "../bus/event-bus.js";
import { findActionDirs } from "./find-action-dirs.js";
import type { DefinitionResolution, LoadedAction } from "./load-action.js";
import { checkParity, createLimiter, needsParity, type ParityOptions } from "./parity.js";

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
}

/** One batch's measurements, labelled with the action (as in `CaseResult.action`) and its transform bundle. */
export interface ActionInstrumentation extends BatchInstrumentation {
  action: string;
  /** Absolute path of the bundled transform the measurements refer to. */
  bundle: string;
}

/**
 * One action's results in case order. A result is held only from its arrival until its turn to be yielded, so a
 * row's memory follows the cases in flight, not the cases run.
 */
class ResultRow {
  /** Positions handed out so far: one per case, in case order. */
  length = 0;
  /** The next position to yield. */
  next = 0;
  /** Whether every case of the row has a position (the feeder pulls cases lazily). */
  complete = false;
  /** Whether the feeder fills this row (its results count towards the feeder's bound). */
  fed = false;
  private readonly arrived = new Map<number, CaseResult>();

  /** A position for a case whose result comes later. */
  reserve(): number {
    return this.length++;
  }

  /** A position for a result known now. */
  push(result: CaseResult): number {
    const position = this.length++;
    this.arrived.set(position, result);
    return position;
  }

  set(position: number, result: CaseResult): void {
    this.arrived.set(position, result);
  }

  /** The result at `position`, which must have arrived and not been taken. */
  get(position: number): CaseResult {
    return this.arrived.get(position)!;
  }

  /** The result whose turn it is, when it has arrived; taking it moves the turn on. */
  take(): CaseResult | undefined {
    const result = this.arrived.get(this.next);
    if (result !== undefined) {
      this.arrived.delete(this.next);
      this.next++;
    }
    return result;
  }

  /** Results that arrived before the run started (errors found while loading). */
  waiting(): IterableIterator<CaseResult> {
    return this.arrived.values();
  }

  /** Whether every result has been taken. */
  get done(): boolean {
    return this.complete && this.next >= this.length;
  }
}

/** Runs of fewer cases than this start on one worker (see where the pool grows). */
const SMALL_RUN = 64;
/** A small run gets its other workers once its cases left look like taking longer than this (ms). */
const GROW_AFTER_MS = 150;
/** Cases prepared and handed to the pool at a time. */
const FEED_CHUNK = 1024;
/** Cases prepared but not yet yielded, at most: the bound that keeps a long run's memory flat. */
const MAX_OUTSTANDING = 8192;

function errorResult(action: LoadedAction, name: string, error: { code: string; message: string }, source?: string): CaseResult {
  const result: CaseResult = {
    action: action.id,
    case: name,
    status: "error",
    issues: [],
    failures: [],
    error,
    logs: [],
    trace: { steps: [action.definitionStep] },
    durationMs: 0,
  };
  if (source !== undefined) result.source = source;
  return result;
}

function toCaseResult(action: LoadedAction, prepared: PoolCase, result: WorkerCaseResult): CaseResult {
  const caseResult: CaseResult = {
    action: action.id,
    case: prepared.name,
    status: result.status,
    issues: result.issues,
    failures: result.failures,
    logs: result.logs,
    trace: { steps: [action.definitionStep, ...result.steps] },
    durationMs: result.durationMs,
  };
  if (result.output !== undefined) caseResult.output = result.output;
  if (result.error !== undefined) caseResult.error = result.error;
  if (prepared.source !== undefined) caseResult.source = prepared.source;
  if (result.trigger !== undefined) caseResult.trigger = result.trigger;
  return caseResult;
}

/** The action's cases in order: its case files, then the extra cases, pulled lazily (they may be many). */
function* caseEntries(action: LoadedAction, options: RunCasesOptions): Generator<LoadedCase> {
  if (options.cases) {
    for (const definition of options.cases) yield { ok: true, case: definition };
    return;
  }
  yield* action.cases;
  if (options.extraCases === undefined || action.definition === undefined) return;
  try {
    for (const definition of options.extraCases(action.definition)) yield { ok: true, case: definition };
  } catch (error) {
    const problem = error instanceof CxdaError ? { code: error.code, message: error.message } : { code: "E_CASE", message: String(error) };
    yield { ok: false, name: "(extra cases)", source: action.dir, error: problem };
  }
}

/** Applies `select`; `index` counts every entry, selected or not, for a source-less case's `#index`. */
function* selected(entries: Iterable<LoadedCase>, action: LoadedAction, select: RunCasesOptions["select"]): Generator<LoadedCase> {
  let index = 0;
  for (const entry of entries) {
    const i = index++;
    if (
      select === undefined ||
      (entry.ok ? select(action.id, entry.case.name, entry.case.source ?? `#${i}`) : select(action.id, entry.name, entry.source))
    )
      yield entry;
  }
}

async function workerActionFor(action: LoadedAction, options: RunCasesOptions, buildDir: string): Promise<WorkerAction | undefined> {
  const definition = action.definition;
  if (definition === undefined) return undefined;
  let bundle: WorkerAction["bundle"];
  if (action.transform === undefined) {
    const shown = relative(process.cwd(), action.dir) || ".";
    bundle = {
      error: {
        code: "E_TRANSFORM",
        message: `${shown}: no transform found; add transform.ts (export default function transform(trigger, ctx) { … }) or a transform.source in the definition`,
      },
    };
  } else {
    try {
      bundle = {
        file: (
          await bundleTransform(action.transform, {
            buildDir,
            allow: { network: options.allowNetwork ?? false, fsWrite: options.allowFsWrite ?? false },
          })
        ).file,
      };
    } catch (error) {
      bundle = { error: error instanceof CxdaError ? { code: error.code, message: error.message } : { code: "E_TRANSFORM", message: String(error) } };
    }
  }
  return {
    actionId: definition.id,
    env: options.env ?? "sandbox",
    bundle,
    inputSchema: definition.inputSchema,
    outputSchema: definition.outputSchema,
    inputDraft: definition.meta.inputDraft,
    outputDraft: definition.meta.outputDraft,
    ...(action.defaultTrigger !== undefined ? { baseTrigger: JSON.stringify(action.defaultTrigger) } : {}),
  };
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
export async function* runCases(options: RunCasesOptions): AsyncGenerator<CaseResult, void, undefined> {
  const dirs = await findActionDirs(options.actions);
  // A run's own pool starts with one worker now, so that it boots while definitions load and transforms bundle; it
  // grows to its full size once the cases are known.
  // Bad pool options are refused now, as they were when the pool started at its full size.
  if (options.pool === undefined) resolveWorkerPoolOptions(options);
  const early = options.pool === undefined ? createWorkerPool({ ...options, ...sandboxOptions(options, dirs), workers: 1 }) : undefined;
  // Its failure (bad pool options) is reported where the run first waits for it, not as an unhandled rejection.
  early?.catch(() => undefined);
  try {
    return yield* runLoaded(options, dirs, early);
  } finally {
    // The run's own pool ends with the run, however it ends (finished, stopped early, an error while loading).
    if (early !== undefined)
      await early.then(
        (pool) => pool.close(),
        () => undefined,
      );
  }
}

/**
 * What a run's own sandbox may read (its action folders and the bundles' folder), and whether it must open the
 * inspector (coverage and profiles need it).
 */
function sandboxOptions(options: RunCasesOptions, dirs: string[]): Pick<WorkerPoolOptions, "readPaths" | "inspector"> {
  const measuring = options.instrument !== undefined && (options.instrument.coverage === true || options.instrument.profile !== undefined);
  return { readPaths: [...(options.readPaths ?? []), ...dirs, resolve(options.buildDir ?? join(".cxda", "build"))], inspector: measuring };
}

async function* runLoaded(
  options: RunCasesOptions,
  dirs: string[],
  early: Promise<WorkerPool> | undefined,
): AsyncGenerator<CaseResult, void, undefined> {
  // Definitions (and the schema compiler they load) come after the first sandbox has been started: its start-up is the
  // longest wait of a small run, and it no longer waits for them.
  const { loadAction } = await import("./load-action.js");
  const actions = await Promise.all(dirs.map((dir) => loadAction(dir, options.definitions)));
  const buildDir = resolve(options.buildDir ?? join(".cxda", "build"));
  const vars = options.vars ?? {};

  const rows: ResultRow[] = [];
  const runs: Array<{ action: WorkerAction; entries: Iterator<LoadedCase>; actionIndex: number }> = [];
  /** Case-file cases known before the run: enough to size the pool when nothing else is known. */
  let known = 0;
  for (const [actionIndex, action] of actions.entries()) {
    const entries = selected(caseEntries(action, options), action, options.select);
    const row = new ResultRow();
    rows.push(row);
    if (action.definitionError) {
      for (const entry of entries)
        row.push(errorResult(action, entry.ok ? entry.case.name : entry.name, action.definitionError, entry.ok ? entry.case.source : entry.source));
      if (row.length === 0) row.push(errorResult(action, "(definition)", action.definitionError));
      row.complete = true;
      continue;
    }
    const workerAction = await workerActionFor(action, options, buildDir);
    if (workerAction === undefined) {
      row.complete = true;
      continue;
    }
    known += options.cases?.length ?? action.cases.length;
    row.fed = true;
    runs.push({ action: workerAction, entries: entries[Symbol.iterator](), actionIndex });
  }

  const bus = options.bus?.active ? options.bus : undefined;
  const announce = (result: CaseResult): void => {
    if (bus === undefined) return;
    const at = Date.now();
    const inputIssues = result.issues.filter((issue) => issue.side === "input");
    const outputIssues = result.issues.filter((issue) => issue.side === "output");
    if (inputIssues.length > 0)
      bus.emit({ type: "validation.failed", action: result.action, case: result.case, side: "input", issues: inputIssues, at });
    if (outputIssues.length > 0)
      bus.emit({ type: "validation.failed", action: result.action, case: result.case, side: "output", issues: outputIssues, at });
    if (result.error)
      bus.emit({
        type: "execution.error",
        action: result.action,
        case: result.case,
        error: { code: result.error.code, message: result.error.message },
        at,
      });
    bus.emit({ type: "execution.finished", action: result.action, case: result.case, result, at });
  };
  if (bus) for (const row of rows) for (const early of row.waiting()) announce(early);

  const parity = options.parity;
  const instrument = options.instrument;
  const measuring = instrument !== undefined && (instrument.coverage === true || instrument.profile !== undefined);
  const measureFor = (action: WorkerAction): RunMeasurement | undefined => {
    if (!measuring || !("file" in action.bundle)) return undefined;
    const bundle = action.bundle.file;
    const receive = options.onInstrumentation;
    return { instrument, onInstrumentation: (data: BatchInstrumentation) => receive?.({ ...data, action: action.actionId, bundle }) };
  };
  const limit = parity ? createLimiter(parity.concurrency ?? 4) : undefined;
  // Parity compares outputs and a bus hands results to whoever listens: both need passing cases whole.
  const detail = parity === undefined && bus === undefined ? (options.passDetail ?? "full") : "full";

  let wake: (() => void) | undefined;
  // Extra cases are counted only as they are pulled: with any, assume enough work for every core.
  const estimate = options.extraCases !== undefined && options.cases === undefined ? Infinity : known;
  const pool = options.pool ?? (runs.length > 0 ? await early : undefined);
  // A small run starts on the worker that started early, alone: a second sandbox costs about 130 ms of CPU to start,
  // on a machine that is starting cxda and the first sandbox at the same time, more than such a run's quick cases take.
  // Once its first case says the rest will take longer than that, the pool grows after all (see growIfSlow).
  const workersWanted = Math.min(options.workers ?? availableParallelism(), estimate);
  let grown = early === undefined || estimate >= SMALL_RUN;
  if (early !== undefined && runs.length > 0) pool!.grow(grown ? workersWanted : 1);
  let received = 0;
  const growIfSlow = (durationMs: number): void => {
    received++;
    // A measured run's batches are not cut small enough for a late worker to share (see batchSize): it stays as it is.
    if (grown || measuring || !(durationMs * (known - received) > GROW_AFTER_MS)) return;
    grown = true;
    pool!.grow(workersWanted);
  };

  // The feeder prepares cases a chunk at a time and hands each chunk to the pool, so workers start on the first chunk
  // while the next is prepared; it pauses while too many cases wait to be yielded, so memory stays flat however many
  // cases run.
  /**
   * Cases the feeder gave a position that are not yet yielded, over every row. Results known before the run (an
   * action whose definition is broken) are not counted: the feeder cannot wait on them, since they may come after a
   * row it still has to fill (regression: 8192 such results made the run wait forever).
   */
  let outstanding = 0;
  let resumeFeeder: (() => void) | undefined;
  /** Set when the consumer stops early (a `break`, --bail): the feeder must not hand more cases to the pool. */
  let stopped = false;
  let feederError: unknown;
  const submitted: Array<Promise<void>> = [];
  // Generated triggers are built by the workers, except where this side needs them too: parity sends them to the
  // platform and a bus shows them. Then, and for a generated case that also changes its trigger, they are built here.
  const buildHere = parity !== undefined || bus !== undefined;
  /** Generated cases whose trigger was built on this side: a failing one brings it back, as a worker's would. */
  const builtHere = new WeakSet<PoolCase>();
  const feed = async (): Promise<void> => {
    for (const run of runs) {
      if (stopped) return;
      const action = actions[run.actionIndex]!;
      const row = rows[run.actionIndex]!;
      const context = { actionId: run.action.actionId, vars, ...(action.defaultTrigger ? { defaultTrigger: action.defaultTrigger } : {}) };
      const measurement = measureFor(run.action);
      let triggerOf: ((ref: GeneratedTriggerRef) => unknown) | undefined;
      /**
       * Prepares a case; only a generated trigger built on this side needs to wait (for the generator to load). A case
       * from a file crosses as its changes, for the worker to build its trigger, unless this side needs the trigger.
       */
      const prepare = (definition: CaseDefinition): PoolCase | Promise<PoolCase> => {
        const ref = definition.generate;
        if (ref === undefined) return buildHere ? prepareCase(definition, context) : referenceCase(definition, context);
        if (!buildHere && definition.payload === undefined && definition.set === undefined && definition.unset === undefined) {
          return prepareGeneratedCase({ ...definition, generate: ref }, context);
        }
        const { generate: _generated, ...rest } = definition;
        const build = (source: (ref: GeneratedTriggerRef) => unknown): PoolCase => {
          const prepared = prepareCase({ ...rest, payload: source(ref) as Record<string, unknown> }, context);
          builtHere.add(prepared);
          return prepared;
        };
        if (triggerOf !== undefined) return build(triggerOf);
        const { inputSchema, meta } = action.definition!;
        return import("../payloads/generated-trigger.js").then(({ createTriggerSource }) =>
          build((triggerOf = createTriggerSource(inputSchema, { draft: meta.inputDraft, dataActionId: run.action.actionId }))),
        );
      };
      for (let exhausted = false; !exhausted;) {
        while (outstanding >= MAX_OUTSTANDING && !stopped) await new Promise<void>((resume) => (resumeFeeder = resume));
        if (stopped) return;
        const cases: PoolCase[] = [];
        const positions: number[] = [];
        while (cases.length < FEED_CHUNK) {
          const next = run.entries.next();
          if (next.done === true) {
            exhausted = true;
            break;
          }
          const entry = next.value;
          outstanding++;
          if (!entry.ok) {
            announce(row.get(row.push(errorResult(action, entry.name, entry.error, entry.source))));
            continue;
          }
          const definition = entry.case;
          try {
            const prepared = prepare(definition);
            cases.push(prepared instanceof Promise ? await prepared : prepared);
            positions.push(row.reserve());
          } catch (error) {
            const problem = error instanceof CxdaError ? { code: error.code, message: error.message } : { code: "E_CASE", message: String(error) };
            announce(row.get(row.push(errorResult(action, definition.name, problem, definition.source))));
          }
        }
        if (exhausted) row.complete = true;
        if (cases.length === 0) {
          wake?.();
          continue;
        }
        if (bus)
          for (const prepared of cases)
            if ("trigger" in prepared)
              bus.emit({ type: "trigger.received", action: run.action.actionId, case: prepared.name, trigger: prepared.trigger, at: Date.now() });
        const running = pool!.run(
          run.action,
          cases,
          (index, result) => {
            growIfSlow(result.durationMs);
            const position = positions[index]!;
            const ran = cases[index]!;
            const caseResult = toCaseResult(action, ran, result);
            const settle = (final: CaseResult): void => {
              // Parity can fail a case that passed here: the trigger is attached to the final result.
              if (final.status !== "pass" && "trigger" in ran && builtHere.has(ran)) final.trigger = ran.trigger;
              row.set(position, final);
              announce(final);
              wake?.();
            };
            if (parity && limit && "trigger" in ran && needsParity(caseResult))
              void limit(() => checkParity(parity.client, run.action.actionId, ran.trigger, caseResult)).then(settle);
            else settle(caseResult);
          },
          {
            ...(bus && {
              onStart: (indices: number[]) => {
                const at = Date.now();
                for (const index of indices) bus.emit({ type: "execution.started", action: run.action.actionId, case: cases[index]!.name, at });
              },
            }),
            ...(measurement && { measure: measurement }),
            detail,
          },
        );
        // A pool closed under a stopped run rejects the chunks still in flight: nobody waits for them any more. Any
        // other rejection (someone closed a shared pool) ends the run with that error.
        submitted.push(
          running.catch((error: unknown) => {
            if (stopped) return;
            feederError ??= error;
            wake?.();
          }),
        );
        // Let results and messages through between chunks.
        await new Promise<void>((resume) => setImmediate(resume));
      }
    }
  };
  const feeding = feed().catch((error: unknown) => {
    feederError = error;
    wake?.();
  });

  try {
    for (const row of rows) {
      for (;;) {
        let result = row.take();
        while (result === undefined && !row.done) {
          if (feederError !== undefined) throw feederError;
          await new Promise<void>((resolveWait) => (wake = resolveWait));
          result = row.take();
        }
        if (result === undefined) break;
        yield result;
        if (row.fed) outstanding--;
        if (outstanding < MAX_OUTSTANDING / 2) resumeFeeder?.();
      }
    }
    await feeding;
    // Measurements travel with each batch's end, just after its last result: the run is over when they are in.
    if (measuring) await Promise.all(submitted);
  } finally {
    stopped = true;
    resumeFeeder?.();
  }
}

/**
 * Counts results into a summary.
 * @example
 * summarise(results); // { total: 8, passed: 7, failed: 1, errors: 0, durationMs: 12.5 }
 */
export function summarise(results: Iterable<Pick<CaseResult, "status" | "durationMs">>, durationMs?: number): RunSummary {
  let total = 0;
  let passed = 0;
  let errors = 0;
  let caseTime = 0;
  for (const result of results) {
    total++;
    if (result.status === "pass") passed++;
    if (result.status === "error") errors++;
    caseTime += result.durationMs;
  }
  return { total, passed, failed: total - passed, errors, durationMs: Math.round((durationMs ?? caseTime) * 1000) / 1000 };
}
