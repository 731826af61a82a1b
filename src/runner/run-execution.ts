// A planned run, executed: cases fed to the pool a chunk at a time, results yielded in order, events on the bus.
import { toProblem } from "../core/errors.js";
import type { CaseDefinition, CaseResult, GeneratedTriggerRef } from "../core/types.js";
import { prepareCase, prepareGeneratedCase, referenceCase } from "../cases/prepare-case.js";
import type { RunMeasurement, WorkerPool } from "../executor/worker-pool.js";
import type { BatchInstrumentation, PoolCase, ResultDetail, WorkerAction, WorkerCaseResult } from "../executor/protocol.js";
import type { EventBus } from "../bus/event-bus.js";
import type { LoadedAction } from "./load-action.js";
import { checkParity, createLimiter, needsParity, skippedParity } from "./parity.js";
import { errorResult, toCaseResult, type PlannedRun, type ResultRow, type RunPlan } from "./run-plan.js";
import type { ResolvedRunCasesOptions, RunCasesOptions } from "./run-cases.js";
import { createUpstreamService, type UpstreamService } from "./upstream-service.js";
import { DEFAULT_TIMEOUT_MS } from "../config/defaults.js";

/** Runs of fewer cases than this start on one worker (see where the pool grows). */
const SMALL_RUN = 64;
/** A small run gets its other workers once its cases left look like taking longer than this (ms). */
const GROW_AFTER_MS = 150;
/** Cases prepared and handed to the pool at a time. */
const FEED_CHUNK = 1024;
/** Cases prepared but not yet yielded, at most: the bound that keeps a long run's memory flat. */
const MAX_OUTSTANDING = 8192;

/**
 * Executes a {@link RunPlan}. The feeder prepares cases a chunk at a time and hands each chunk to the pool, so workers
 * start on the first chunk while the next is prepared; it pauses while too many cases wait to be yielded, so memory
 * stays flat however many cases run. {@link results} yields each result once it and all before it are known.
 */
export class RunExecution {
  private readonly bus: EventBus | undefined;
  private readonly parity: RunCasesOptions["parity"];
  private readonly limit: ReturnType<typeof createLimiter> | undefined;
  private readonly measuring: boolean;
  /** Parity compares outputs and a bus hands results to whoever listens: both need passing cases whole. */
  private readonly detail: ResultDetail;
  /**
   * Triggers are built by the workers, except where this side needs them too: parity sends them to the platform and a
   * bus shows them. Then, and for a generated case that also changes its trigger, they are built here.
   */
  private readonly buildHere: boolean;
  /** Generated cases whose trigger was built on this side: a failing one brings it back, as a worker's would. */
  private readonly builtHere = new WeakSet<PoolCase>();
  /**
   * Cases the feeder gave a position that are not yet yielded, over every row. Results known before the run (an
   * action whose definition is broken) are not counted: the feeder cannot wait on them, since they may come after a
   * row it still has to fill (regression: 8192 such results made the run wait forever).
   */
  private outstanding = 0;
  private resumeFeeder: (() => void) | undefined;
  private wake: (() => void) | undefined;
  /** Set when the consumer stops early (a `break`, --bail): the feeder must not hand more cases to the pool. */
  private stopped = false;
  private feederError: unknown;
  private readonly submitted: Array<Promise<void>> = [];
  /** The pool has all the workers the run may use (or the run is not the pool's owner). */
  private grown: boolean;
  private readonly workersWanted: number;
  private received = 0;
  /** The upstream of declarative actions: started with the first of their cases, closed with the run. */
  private upstream: UpstreamService | undefined;

  constructor(
    private readonly plan: RunPlan,
    private readonly options: ResolvedRunCasesOptions,
    private readonly pool: WorkerPool | undefined,
    ownPool: boolean,
  ) {
    this.bus = options.bus?.active ? options.bus : undefined;
    this.parity = options.parity;
    this.limit = this.parity ? createLimiter(this.parity.concurrency ?? 4) : undefined;
    const instrument = options.instrument;
    this.measuring = instrument !== undefined && (instrument.coverage === true || instrument.profile !== undefined);
    this.detail = this.parity === undefined && this.bus === undefined ? options.passDetail : "full";
    this.buildHere = this.parity !== undefined || this.bus !== undefined;
    // Extra cases are counted only as they are pulled: with any, assume enough work for every core.
    const estimate = options.extraCases !== undefined && options.cases === undefined ? Infinity : plan.known;
    // A small run starts on the worker that started early, alone: a second sandbox costs about 130 ms of CPU to start,
    // on a machine that is starting cxda and the first sandbox at the same time, more than such a run's quick cases
    // take. Once its first case says the rest will take longer than that, the pool grows after all (see growIfSlow).
    this.workersWanted = Math.min(options.workers, estimate);
    this.grown = !ownPool || estimate >= SMALL_RUN;
    if (ownPool && plan.runs.length > 0) pool!.grow(this.grown ? this.workersWanted : 1);
    if (this.bus) for (const row of plan.rows) for (const early of row.waiting()) this.announce(early);
  }

  /** Every result of the run, actions in folder order, cases in file order, each as soon as all before it are known. */
  async *results(): AsyncGenerator<CaseResult, void, undefined> {
    const feeding = this.feed().catch((error: unknown) => {
      this.feederError = error;
      this.wake?.();
    });
    try {
      for (const row of this.plan.rows) {
        for (;;) {
          let result = row.take();
          while (result === undefined && !row.done) {
            if (this.feederError !== undefined) throw this.feederError;
            await new Promise<void>((resolveWait) => (this.wake = resolveWait));
            result = row.take();
          }
          if (result === undefined) break;
          yield result;
          if (row.fed) this.outstanding--;
          if (this.outstanding < MAX_OUTSTANDING / 2) this.resumeFeeder?.();
        }
      }
      await feeding;
      // Measurements travel with each batch's end, just after its last result: the run is over when they are in.
      if (this.measuring) await Promise.all(this.submitted);
    } finally {
      this.stopped = true;
      this.resumeFeeder?.();
      await this.upstream?.close();
    }
  }

  /** Tells the bus what a result says: its validation problems, its error, and that it finished. */
  private announce(result: CaseResult): void {
    const bus = this.bus;
    if (bus === undefined) return;
    const at = Date.now();
    for (const side of ["input", "output"] as const) {
      const issues = result.issues.filter((issue) => issue.side === side);
      if (issues.length > 0) bus.emit({ type: "validation.failed", action: result.action, case: result.case, side, issues, at });
    }
    if (result.error)
      bus.emit({
        type: "execution.error",
        action: result.action,
        case: result.case,
        error: { code: result.error.code, message: result.error.message },
        at,
      });
    bus.emit({ type: "execution.finished", action: result.action, case: result.case, result, at });
  }

  private measureFor(action: WorkerAction): RunMeasurement | undefined {
    const instrument = this.options.instrument;
    if (!this.measuring || instrument === undefined || !("file" in action.bundle)) return undefined;
    const bundle = action.bundle.file;
    const receive = this.options.onInstrumentation;
    return { instrument, onInstrumentation: (data: BatchInstrumentation) => receive?.({ ...data, action: action.actionId, bundle }) };
  }

  /** A small run grows once a case shows the rest will take a while (a measured run's batches cannot be shared). */
  private growIfSlow(durationMs: number): void {
    this.received++;
    if (this.grown || this.measuring || !(durationMs * (this.plan.known - this.received) > GROW_AFTER_MS)) return;
    this.grown = true;
    this.pool!.grow(this.workersWanted);
  }

  private async feed(): Promise<void> {
    for (const run of this.plan.runs) {
      if (this.stopped) return;
      await this.feedRun(run);
    }
  }

  /** Feeds one action's cases, a chunk at a time, pausing while too many wait to be yielded. */
  private async feedRun(run: PlannedRun): Promise<void> {
    const action = this.plan.actions[run.actionIndex]!;
    const row = this.plan.rows[run.actionIndex]!;
    const prepare = this.preparer(run, action);
    for (let exhausted = false; !exhausted;) {
      while (this.outstanding >= MAX_OUTSTANDING && !this.stopped) await new Promise<void>((resume) => (this.resumeFeeder = resume));
      if (this.stopped) return;
      const cases: PoolCase[] = [];
      const positions: number[] = [];
      while (cases.length < FEED_CHUNK) {
        const next = run.entries.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const entry = next.value;
        this.outstanding++;
        if (!entry.ok) {
          const broken = errorResult(action, entry.name, entry.error, entry.source);
          // A case with a bad shape is still in its file: its error result says where, as any failure does.
          if (entry.location !== undefined) broken.location = entry.location;
          this.announce(row.get(row.push(broken)));
          continue;
        }
        const definition = entry.case;
        try {
          const prepared = prepare(definition);
          cases.push(prepared instanceof Promise ? await prepared : prepared);
          positions.push(row.reserve());
        } catch (error) {
          const unprepared = errorResult(action, definition.name, toProblem(error, "E_CASE"), definition.source);
          if (definition.location !== undefined) unprepared.location = definition.location;
          this.announce(row.get(row.push(unprepared)));
        }
      }
      if (exhausted) row.complete = true;
      if (cases.length === 0) {
        this.wake?.();
        continue;
      }
      this.submit(run, action, row, cases, positions);
      // Let results and messages through between chunks.
      await new Promise<void>((resume) => setImmediate(resume));
    }
  }

  /**
   * How the run's cases of one action are prepared; only a generated trigger built on this side needs to wait (for the
   * generator to load). A case from a file crosses as its changes, for the worker to build its trigger, unless this
   * side needs the trigger.
   */
  private preparer(run: PlannedRun, action: LoadedAction): (definition: CaseDefinition) => PoolCase | Promise<PoolCase> {
    const context = {
      actionId: run.action.actionId,
      vars: this.options.vars,
      ...(action.defaultTrigger ? { defaultTrigger: action.defaultTrigger } : {}),
    };
    let triggerOf: ((ref: GeneratedTriggerRef) => unknown) | undefined;
    return (definition) => {
      const ref = definition.generate;
      if (ref === undefined) return this.buildHere ? prepareCase(definition, context) : referenceCase(definition, context);
      if (!this.buildHere && definition.payload === undefined && definition.set === undefined && definition.unset === undefined) {
        return prepareGeneratedCase({ ...definition, generate: ref }, context);
      }
      const { generate: _generated, ...rest } = definition;
      const build = (source: (ref: GeneratedTriggerRef) => unknown): PoolCase => {
        const prepared = prepareCase({ ...rest, payload: source(ref) as Record<string, unknown> }, context);
        this.builtHere.add(prepared);
        return prepared;
      };
      if (triggerOf !== undefined) return build(triggerOf);
      const { inputSchema, meta } = action.definition!;
      return import("../payloads/generated-trigger.js").then(({ createTriggerSource }) =>
        build((triggerOf = createTriggerSource(inputSchema, { draft: meta.inputDraft, dataActionId: run.action.actionId }))),
      );
    };
  }

  /** Hands a chunk of prepared cases to the pool; their results land in `row` at `positions`. */
  private submit(run: PlannedRun, action: LoadedAction, row: ResultRow, cases: PoolCase[], positions: number[]): void {
    const bus = this.bus;
    if (bus)
      for (const prepared of cases)
        if ("trigger" in prepared)
          bus.emit({ type: "trigger.received", action: run.action.actionId, case: prepared.name, trigger: prepared.trigger, at: Date.now() });
    const measurement = this.measureFor(run.action);
    const running = this.pool!.run(run.action, cases, (index, result) => this.onResult(run, action, row, cases[index]!, positions[index]!, result), {
      ...(bus && {
        onStart: (indices: number[]) => {
          const at = Date.now();
          for (const index of indices) bus.emit({ type: "execution.started", action: run.action.actionId, case: cases[index]!.name, at });
        },
      }),
      ...(measurement && { measure: measurement }),
      ...("declarative" in run.action.bundle && {
        upstream: (this.upstream ??= createUpstreamService({ timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...this.options.declarative }))
          .handler,
      }),
      detail: this.detail,
    });
    // A pool closed under a stopped run rejects the chunks still in flight: nobody waits for them any more. Any other
    // rejection (someone closed a shared pool) ends the run with that error.
    this.submitted.push(
      running.catch((error: unknown) => {
        if (this.stopped) return;
        this.feederError ??= error;
        this.wake?.();
      }),
    );
  }

  /** A case's result from its worker: checked against the platform when parity asks, then put in its row. */
  private onResult(run: PlannedRun, action: LoadedAction, row: ResultRow, ran: PoolCase, position: number, result: WorkerCaseResult): void {
    this.growIfSlow(result.durationMs);
    const caseResult = toCaseResult(action, ran, result);
    const settle = (final: CaseResult): void => {
      // Parity can fail a case that passed here: the trigger is attached to the final result.
      if (final.status !== "pass" && "trigger" in ran && this.builtHere.has(ran)) final.trigger = ran.trigger;
      row.set(position, final);
      this.announce(final);
      this.wake?.();
    };
    const parity = this.parity;
    if (parity && this.limit && "trigger" in ran && needsParity(caseResult))
      void this.limit(() => checkParity(parity.client, run.action.actionId, ran.trigger, caseResult)).then(settle);
    else settle(parity ? skippedParity(caseResult) : caseResult);
  }
}
