// The worker thread: runs batches of cases through validate-input → execute → validate-output → compare.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { formatWithOptions } from "node:util";
import { getHeapStatistics, promiseHooks, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { GeneratedTriggerRef, LogEntry, ValidationIssue } from "../core/types.js";
import { triggerClock } from "../cases/case-clock.js";
import { deepFreeze } from "../internal/deep-freeze.js";
import { describeThrown, toProblem, type Problem, type ProblemWithStack } from "../core/errors.js";
import { classifyTransformThrow, cleanStack, cutText } from "./transform-errors.js";
import { createValidator, type Validator } from "../validation/create-validator.js";
import { evaluateExpectations, type CaseOutcome } from "../cases/evaluate-case.js";
import { toJsonOutput } from "./json-output.js";
import { changedIntrinsic, endCaseTimers, installRuntimeGuards, recordIntrinsics, restoreIntrinsics, trackTimers } from "./runtime-guards.js";
import { scrub, scrubError, scrubFailures, secretValues } from "../secrets/scrub.js";
import type * as DeclarativeCaseModule from "./declarative-case.js";

type DeclarativeRunner = typeof DeclarativeCaseModule;
import type { Session } from "node:inspector/promises";
import type {
  BatchInstrumentation,
  BatchMessage,
  DeclarativeAction,
  InstrumentOptions,
  ResultDetail,
  ResultsMessage,
  UpstreamMessage,
  WorkerAction,
  WorkerCaseResult,
  WorkerMessage,
  WorkerStartData,
} from "./protocol.js";
import {
  PLAIN_PASS,
  STEP,
  TIMING_SLOTS,
  WORKER_PHASE,
  clearTimings,
  decodeBatch,
  encodeResults,
  markBatch,
  markPhase,
  recordDuration,
  recordStep,
  roundMs,
  stepDuration,
  timedDuration,
  timedSteps,
  triggerOf,
} from "./wire.js";
import type { DecodedCase, StepOutcomes, WireResult } from "./wire.js";

type TransformFn = (trigger: unknown, ctx: unknown) => unknown;

const port = parentPort;
if (port === null) throw new Error("worker-entry.ts must run in a worker thread");
process.setSourceMapsEnabled(true);

/** Epoch milliseconds of this thread's performance clock origin, read once (it is a getter). */
const TIME_ORIGIN = performance.timeOrigin;

/**
 * The harness's clock: `performance.now` as it is before any transform loads. A transform that replaces it changes a
 * built-in (and its worker is replaced), but never the harness's timings.
 */
const harnessClock = performance.now.bind(performance);

/**
 * A line the running case logged. Arguments that are all primitives are kept as they are and formatted only if the
 * line leaves the worker (most passing cases' logs never do); an object is formatted at once, since the transform
 * could change it after logging it.
 */
interface PendingLog {
  level: LogEntry["level"];
  args: unknown[] | undefined;
  message: string | undefined;
  atMs: number;
}

/** Logs of the case that is running now; console.* and ctx.log append here. */
let currentLogs: PendingLog[] = [];
let caseStartedAt = 0;
/** Characters the running case has logged so far (at least: objects count once formatted). */
let loggedChars = 0;
/** Set when the running case logged more than the limits allow; the case ends as this error. */
let logFault: Problem | undefined;

/** What a log line costs beyond its text (level, time, framing), counted against the budget. */
const LOG_LINE_OVERHEAD = 32;

/** A case may log this many times `maxLogBytes` in all. */
const LOG_LINES_BUDGET = 16;

/** Objects in a log line are shown as util.inspect shows them, within bounds. */
const INSPECT_LIMITS = { depth: 4, maxArrayLength: 100, maxStringLength: 4096, breakLength: Infinity };

function capture(level: LogEntry["level"]) {
  return (...args: unknown[]): void => {
    if (logFault !== undefined) return;
    const atMs = roundMs(harnessClock() - caseStartedAt);
    // Functions are formatted at once too: their names can be of any length.
    const primitive = args.every((arg) => arg === null || (typeof arg !== "object" && typeof arg !== "function"));
    // Measured before anything is formatted: a line of 100 MB is refused, never copied.
    let size = 0;
    for (const arg of args) size += typeof arg === "string" ? arg.length : 8;
    const message = primitive || size > start.maxLogBytes ? undefined : formatWithOptions(INSPECT_LIMITS, ...args);
    if (message !== undefined) size = message.length;
    // Each line costs something, however short: 600,000 empty lines are a flood too.
    loggedChars += size + LOG_LINE_OVERHEAD;
    if (size > start.maxLogBytes) {
      logFault = {
        code: "E_LOG",
        message: `the transform logged a line of ${size} characters, over the ${start.maxLogBytes}-byte limit of one log line; log less (a summary, not the whole value), or raise maxLogBytes`,
      };
    } else if (loggedChars > start.maxLogBytes * LOG_LINES_BUDGET) {
      logFault = {
        code: "E_LOG",
        message: `the transform logged more than ${start.maxLogBytes * LOG_LINES_BUDGET} characters in one case (${currentLogs.length + 1} lines); log less, or raise maxLogBytes`,
      };
    } else {
      currentLogs.push(primitive ? { level, args, message: undefined, atMs } : { level, args: undefined, message, atMs });
    }
  };
}

/** The logs as they leave the worker: formatted, with secret values replaced. */
function finishLogs(logs: PendingLog[], secrets: readonly string[]): LogEntry[] {
  return logs.map(({ level, args, message, atMs }) => {
    const text = message ?? formatWithOptions(INSPECT_LIMITS, ...(args ?? []));
    return { level, message: secrets.length === 0 ? text : scrub(text, secrets), atMs };
  });
}

/**
 * What a transform writes to stdout or stderr (directly, or through a package) is the running case's log, never
 * cxda's output: a `--json` run stays parseable.
 */
function captureStdio(): void {
  const into = (level: LogEntry["level"]) => {
    const log = capture(level);
    return (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text =
        typeof chunk === "string"
          ? chunk
          : chunk instanceof Uint8Array
            ? Buffer.from(chunk).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8")
            : String(chunk);
      log(text.endsWith("\n") ? text.slice(0, -1) : text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    };
  };
  process.stdout.write = into("log") as typeof process.stdout.write;
  process.stderr.write = into("error") as typeof process.stderr.write;
}

for (const level of ["log", "info", "warn", "error", "debug"] as const) console[level] = capture(level);
console.trace = capture("debug");

const start = workerData as WorkerStartData;
/** The real setImmediate, kept before timers are tracked: the harness's own turns of the event loop are not a case's. */
const nextTurn = setImmediate;
/** The real exit, kept for the harness before the guards replace it. */
const exitWorker = installRuntimeGuards(start.allowNetwork);
trackTimers();
captureStdio();
trackDeferred();

/**
 * Callbacks transforms have queued with `queueMicrotask` or `process.nextTick`. A case that returns a plain value runs
 * straight into the next case of its batch, so a callback it queued would run during a later case (its log or throw
 * landing there): a case that queued any settles them before it ends, as it does its promises.
 */
let deferredMade = 0;

function trackDeferred(): void {
  const queue = globalThis.queueMicrotask;
  const nextTick = process.nextTick;
  globalThis.queueMicrotask = function queueMicrotask(callback: () => void): void {
    deferredMade++;
    queue(callback);
  };
  process.nextTick = function tick(this: unknown, ...args: Parameters<typeof nextTick>): void {
    deferredMade++;
    nextTick.apply(process, args);
  } as typeof nextTick;
}

// A transform may leave work behind (a timer that throws, a promise nobody awaits): record it on the running case
// instead of letting it take the worker down.
/** Counts cases, so that a promise knows which case made it. */
let caseSeq = 0;
/** Promises made so far while a transform was being called: a case that made none has nothing left to settle. */
let promisesMade = 0;
const promiseOwner = new WeakMap<object, number>();
/**
 * Watches promise creation while a batch runs, not all the time: a hook slows every promise made while it is on. A
 * case that returns a plain value makes none of the harness's, so on for the batch costs such a case nothing, where
 * turning the hook on and off around each transform call cost about 0.3 µs a case.
 */
function watchPromises(): () => void {
  let stop = promiseHooks.onInit((promise: Promise<unknown>) => {
    promisesMade++;
    promiseOwner.set(promise, caseSeq);
  }) as (() => void) | undefined;
  return () => {
    stop?.();
    stop = undefined;
  };
}
process.on("unhandledRejection", (reason, promise) => {
  const owner = promiseOwner.get(promise);
  // A case waits for its own promises' rejections before it ends (see settleLeftovers); one that comes later belongs
  // to a case that has ended, and is noted as such, never counted as the running case's.
  if (owner !== undefined && owner !== caseSeq)
    capture("warn")(`a promise left by an earlier case in this worker rejected after that case ended: ${cut(describeThrown(reason))}`);
  else capture("error")(`unhandled promise rejection in the transform: ${cut(describeThrown(reason))}`);
});
process.on("uncaughtException", (error) => capture("error")(`uncaught exception in the transform: ${cut(describeThrown(error))}`));

/**
 * Two turns of the event loop: Node reports unhandled rejections after the microtasks of a turn, so after the second
 * turn begins, every rejection the case's promises made while it ran has been reported, on the case.
 */
function settleLeftovers(): Promise<void> {
  return new Promise((resolve) => nextTurn(() => nextTurn(resolve)));
}

/** A transform ready to call, or why it cannot be. */
type LoadedTransform = TransformFn | Problem;

const transforms = new Map<string, Promise<LoadedTransform>>();

/**
 * Imports the transform once per worker (and per `suffix`: a query that makes a second, separate module instance).
 * @param suffix appended to the file URL; empty for an ordinary run
 */
async function loadTransform(action: WorkerAction, suffix = ""): Promise<LoadedTransform> {
  if ("error" in action.bundle) return action.bundle.error;
  // A declarative action has no module: runCase runs its steps instead.
  if ("declarative" in action.bundle) return { code: "E_TRANSFORM", message: "a declarative action has no transform module" };
  const file = action.bundle.file;
  const key = file + suffix;
  let loading = transforms.get(key);
  if (loading === undefined) {
    loading = import(pathToFileURL(file).href + suffix).then(
      (module: Record<string, unknown>) => {
        const candidate = typeof module.default === "function" ? module.default : module.transform;
        if (typeof candidate === "function") return candidate as TransformFn;
        const names = Object.keys(module);
        return {
          code: "E_TRANSFORM",
          message: `the transform module must \`export default function transform(trigger, ctx)\`; it exports ${names.length === 0 ? "nothing" : names.map((n) => (n === "default" ? `a default ${typeof module.default}` : n)).join(", ")}`,
        };
      },
      (error: unknown) => ({
        code: "E_TRANSFORM",
        message: `the transform module failed while loading: ${describeThrown(error)}${error instanceof Error && error.stack ? `\n${cleanStack(error.stack, process.cwd())?.split("\n").slice(1, 4).join("\n")}` : ""}`,
      }),
    );
    transforms.set(key, loading);
  }
  return loading;
}

/** A message cut to the log limit: an error of any size leaves the worker as a few kilobytes. */
function cut(text: string): string {
  return cutText(text, start.maxLogBytes);
}

/** What a throw from the transform is, with this worker's limits. */
function classifyThrow(error: unknown): ProblemWithStack & { ownThrow: boolean } {
  return classifyTransformThrow(error, { maxLogBytes: start.maxLogBytes, memoryMb: start.memoryMb, cwd: process.cwd() });
}

function now(): number {
  return TIME_ORIGIN + harnessClock();
}

/** What a worker keeps per action: the definition and its validators, compiled once. */
interface ActionEntry {
  action: WorkerAction;
  input: Validator | { fault: unknown };
  output: Validator | { fault: unknown };
  /** The action's base trigger, frozen once: each case's trigger shares every part its changes do not touch. */
  base: Record<string, unknown> | undefined;
  /** Builds generated triggers; loaded with the generator on the first generated case. */
  triggerOf?: Promise<(ref: GeneratedTriggerRef) => unknown>;
}

/** The generator is loaded only by a worker that meets a generated case: an ordinary run never pays for it. */
function triggerSource(entry: ActionEntry): Promise<(ref: GeneratedTriggerRef) => unknown> {
  const { action } = entry;
  entry.triggerOf ??= import("../payloads/generated-trigger.js").then(({ createTriggerSource }) =>
    createTriggerSource(action.inputSchema, { draft: action.inputDraft, dataActionId: action.actionId }),
  );
  return entry.triggerOf;
}

const actions = new Map<number, ActionEntry>();

function compiled(schema: WorkerAction["inputSchema"], side: "input" | "output", draft: WorkerAction["inputDraft"]): Validator | { fault: unknown } {
  try {
    return createValidator(schema, { side, draft });
  } catch (fault) {
    // Reported on each case of the action, which cannot run without it.
    return { fault };
  }
}

function validatorOf(entry: ActionEntry["input"]): Validator {
  if ("fault" in entry) throw entry.fault;
  return entry;
}

/** `ctx.log` of every case: it appends to the running case's logs. */
const ctxLog = capture("log");

/** Set when a case left the worker unfit for the next: it sends what it has, asks to be replaced, and stops. */
let recycle = false;

/**
 * Whether the built-ins are checked after every case (a batch run again after a change was found in it), or once per
 * chunk of results before they leave (every other batch: the check costs about 40 µs, more than most cases).
 */
let checkEachCase = false;

/** Set when a chunk's check found a changed built-in: the chunk was not sent and the worker waits to be replaced. */
let polluted = false;

/** Set when a changed built-in could not be put back: the last results leave as structured data, not JSON. */
let unclean = false;

/** What a retired worker's batches wait on: the pool kills it, and nothing after this may run. */
const RETIRED = new Promise<void>(() => undefined);

/** Asks the pool for a replacement, after the last result this worker will send (`careful`: see WorkerMessage). */
function retire(careful = false): Promise<void> {
  port?.postMessage(careful ? { type: "recycle", careful } : { type: "recycle" });
  return RETIRED;
}

const MB = 1024 * 1024;

/**
 * The garbage collector, for the harness only: memory outside the heap is measured after a collection, so that
 * buffers a case has already let go of are not counted against it. Taken before any transform loads.
 */
const collectGarbage: (() => void) | undefined = (() => {
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return undefined;
  }
})();

/**
 * Whether the worker holds more memory than `--memory` allows, heap and memory outside it together (ArrayBuffers,
 * Buffers, WebAssembly memory). Measured only after a case that ran at least {@link MEMORY_CHECK_AFTER_MS} (allocating
 * that much takes longer; reading the statistics costs about a microsecond, more than a quick case): the sandbox
 * process also watches its resident size during every case.
 */
function overMemory(): number | undefined {
  const used = (): number => {
    const stats = getHeapStatistics();
    return stats.used_heap_size + stats.external_memory;
  };
  const limit = start.memoryMb * MB;
  if (used() <= limit) return undefined;
  collectGarbage?.();
  const after = used();
  return after > limit ? after : undefined;
}

const MEMORY_CHECK_AFTER_MS = 0.02;

/** What a case left behind that makes it an error (and, for some, the worker unfit for the next case). */
function aftermath(executeMs: number): Problem | undefined {
  const timersLeft = endCaseTimers();
  if (timersLeft > 0)
    capture("warn")(
      `the transform left ${timersLeft} timer(s) running when it returned; they were cleared, since nothing after a case may run into the next`,
    );
  if (logFault !== undefined) return logFault;
  const changed = checkEachCase ? changedIntrinsic() : undefined;
  if (changed !== undefined) {
    recycle = true;
    // The harness serialises with the same JSON and prototypes: put them back before this case's result is built.
    if (!restoreIntrinsics()) unclean = true;
    return {
      code: "E_SANDBOX",
      message: `the transform changed ${changed}, which every later case would share: a transform may not change built-ins or globals (keep state in module variables, or change a copy); the worker was replaced, so no other case meets the change`,
    };
  }
  if (executeMs >= MEMORY_CHECK_AFTER_MS) {
    const used = overMemory();
    if (used !== undefined) {
      recycle = true;
      return {
        code: "E_MEMORY",
        message: `the transform ran out of memory: the worker holds ${Math.round(used / MB)} MB, over the ${start.memoryMb} MB limit (heap and buffers together); look for unbounded growth, or raise the limit (--memory)`,
      };
    }
  }
  return undefined;
}

/**
 * Runs one case: validate input → execute → validate output → compare. Writes its timings at `timings[at…]` and
 * returns how its result travels (see WireResult): a plain pass costs no objects beyond its output. A case whose
 * transform returns a plain value (and whose trigger is given, not generated) completes without a promise: most cases
 * cost no turn of the microtask queue.
 */
function runCase(
  entry: ActionEntry,
  input: DecodedCase,
  transform: LoadedTransform,
  timings: Float64Array,
  at: number,
  detail: ResultDetail,
): WireResult | Promise<WireResult> {
  currentLogs = [];
  loggedChars = 0;
  logFault = undefined;
  caseSeq++;
  const spec = input.trigger;
  const begin = "declarative" in entry.action.bundle ? declarativeCase : startCase;
  if (spec.kind !== "generated") return begin(entry, input, triggerOf(spec, entry.base, entry.action.actionId), transform, timings, at, detail);
  return triggerSource(entry).then((source) => begin(entry, input, source(spec.ref), transform, timings, at, detail));
}

/**
 * The declarative runner (Velocity, JSONPath), loaded by the first declarative case a worker meets: a worker that runs
 * transforms never reads it (it is a bundle of its own, about a fifth the size of this one).
 */
let declarativeRunner: Promise<DeclarativeRunner> | undefined;

function loadDeclarativeRunner(): Promise<DeclarativeRunner> {
  return (declarativeRunner ??= import("./declarative-case.js"));
}

/** A case of a declarative action: Genesys' steps in place of a transform (see declarative-case.ts). */
async function declarativeCase(
  entry: ActionEntry,
  input: DecodedCase,
  given: unknown,
  _transform: LoadedTransform,
  timings: Float64Array,
  at: number,
  detail: ResultDetail,
): Promise<WireResult> {
  const { runDeclarativeCase } = await loadDeclarativeRunner();
  const bundle = entry.action.bundle as { declarative: DeclarativeAction };
  const trigger = deepFreeze(given);
  caseStartedAt = harnessClock();
  const context = {
    declarative: bundle.declarative,
    input: validatorOf(entry.input),
    output: validatorOf(entry.output),
    post: (message: UpstreamMessage) => port?.postMessage(message),
    now,
  };
  return runDeclarativeCase(context, input, trigger, timings, at, detail);
}

function startCase(
  entry: ActionEntry,
  input: DecodedCase,
  given: unknown,
  transform: LoadedTransform,
  timings: Float64Array,
  at: number,
  detail: ResultDetail,
): WireResult | Promise<WireResult> {
  const { action } = entry;
  const { vars } = input;
  // Frozen before validation, not just before the transform: validating the frozen objects is a little faster (the
  // validators then meet one kind of object), and a trigger is read-only in every step anyway.
  const trigger = deepFreeze(given);
  const clock = input.now ?? triggerClock(trigger);
  caseStartedAt = harnessClock();
  const began = TIME_ORIGIN + caseStartedAt;
  let error: WorkerCaseResult["error"];
  let output: unknown;
  let executed = false;
  let thrown: CaseOutcome["thrown"];

  let startedAt = began;
  const inputIssues = validatorOf(entry.input).validate(trigger);
  let ended = now();
  recordStep(timings, at, STEP.validateInput, startedAt, ended - startedAt);
  let issues: ValidationIssue[] = inputIssues;

  startedAt = ended;
  let executeOutcome: StepOutcomes[number] = PLAIN_PASS[1]!;
  /** When the transform returned or threw: waiting for its leftover promises is not part of the execute step. */
  let executeEnded: number | undefined;
  const returnedValue = (value: unknown): void => {
    executeEnded = now();
    output = toJsonOutput(value, start.maxOutputBytes);
  };
  const threw = (caught: unknown): void => {
    executeEnded ??= now();
    const fault = isOutputError(caught) ? { code: "E_OUTPUT", message: caught.message, ownThrow: false } : classifyThrow(caught);
    output = undefined;
    if (fault.ownThrow) thrown = { message: cut(describeThrown(caught)) };
    const { ownThrow: _own, ...rest } = fault;
    error = rest;
    executeOutcome = [false, { error: fault.code }];
  };

  /** The steps after the transform has returned (or was skipped), and the result as it travels. */
  const finish = (): WireResult => {
    ended = executeEnded ?? now();
    recordStep(timings, at, STEP.execute, startedAt, ended - startedAt);

    startedAt = ended;
    let outputOutcome: StepOutcomes[number];
    if (executed && error === undefined) {
      issues = validatorOf(entry.output).validate(output);
      outputOutcome = issues.length === 0 ? PLAIN_PASS[2]! : [false, { issues: issues.length }];
    } else {
      outputOutcome = [null, { skipped: "no output" }];
    }
    ended = now();
    recordStep(timings, at, STEP.validateOutput, startedAt, ended - startedAt);

    startedAt = ended;
    const failures = evaluateExpectations(input.expect, thrown ? { executed, output, issues, thrown } : { executed, output, issues });
    ended = now();
    recordStep(timings, at, STEP.compare, startedAt, ended - startedAt);
    recordDuration(timings, at, ended - began);

    // What the case left behind is its own fault, whatever it returned: a log over the limits, a changed built-in,
    // memory outside the heap over the limit. Its timers end here.
    const left = executed ? aftermath(stepDuration(timings, at, STEP.execute)) : undefined;
    if (left !== undefined) {
      error = left;
      thrown = undefined;
      executeOutcome = [false, { error: left.code }];
    }

    if (failures.length === 0 && error === undefined && issues.length === 0 && thrown === undefined && executed) {
      if (detail === "summary") return 0;
      // Looking for secrets costs a walk of the trigger: only when there is text they could be in.
      return currentLogs.length === 0 ? { output } : { output, logs: finishLogs(currentLogs, secretValues(trigger, vars)) };
    }
    const expectedThrow = thrown !== undefined && input.expect.throws !== undefined;
    const status: WorkerCaseResult["status"] = error !== undefined && !expectedThrow ? "error" : failures.length > 0 ? "fail" : "pass";
    const steps = timedSteps(timings, at, [
      [inputIssues.length === 0, { issues: inputIssues.length }],
      executeOutcome,
      outputOutcome,
      [failures.length === 0, { failures: failures.length }],
    ]);
    // A thrown message can reach the failures too (a throws expectation that did not match), so a throw counts as text.
    const secrets = currentLogs.length > 0 || error !== undefined || thrown !== undefined ? secretValues(trigger, vars) : [];
    const result: WorkerCaseResult = {
      status,
      issues,
      failures: scrubFailures(failures, secrets),
      logs: finishLogs(currentLogs, secrets),
      steps,
      durationMs: timedDuration(timings, at),
    };
    if (output !== undefined) result.output = output;
    if (error !== undefined && !expectedThrow) result.error = secrets.length === 0 ? error : scrubError(error, secrets);
    // A generated trigger exists only here: a case that did not pass brings it back, to be shown or saved.
    if (input.trigger.kind === "generated" && status !== "pass") result.trigger = trigger;
    return { result };
  };

  if (inputIssues.length > 0) {
    executeOutcome = [null, { skipped: "the input is invalid" }];
  } else if (typeof transform !== "function") {
    error = transform;
    executeOutcome = [false, { error: transform.code }];
  } else {
    const ctx = Object.freeze({ actionId: action.actionId, env: action.env, vars, now: () => new Date(clock), log: ctxLog });
    executed = true;
    const made = promisesMade;
    const deferred = deferredMade;
    try {
      const returned = transform(trigger, ctx);
      // Only a promise is waited for: the rest of a case that returned a plain value runs straight on, unless it made
      // promises, whose rejections must be reported on it before it ends.
      if (isThenable(returned)) return Promise.resolve(returned).then(returnedValue).catch(threw).then(settleLeftovers).then(finish);
      returnedValue(returned);
    } catch (caught) {
      threw(caught);
    }
    if (promisesMade !== made || deferredMade !== deferred) return settleLeftovers().then(finish);
  }
  return finish();
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

function isOutputError(value: unknown): value is Error & { code: "E_OUTPUT" } {
  return value instanceof Error && (value as { code?: unknown }).code === "E_OUTPUT";
}

const state = new Int32Array(start.state);

/** Tells the watchdog (through shared memory) what this worker is doing from now on. */
function mark(phase: number, index: number): void {
  markPhase(state, start.epoch, phase, index);
}

/** Results wait here and leave in chunks: one message per case would cost more than most cases do. */
const CHUNK_CASES = 1024;
const CHUNK_MS = 25;

/** A batch's results on their way out: consecutive cases, their wire forms and a row of timings each. */
class Outbox {
  private wire: WireResult[] = [];
  private readonly timings = new Float64Array(CHUNK_CASES * TIMING_SLOTS);
  private start = 0;
  private flushedAt = Date.now();

  constructor(private readonly batchId: number) {}

  /** Where the next case's timings go; call {@link add} once it has run. */
  get row(): number {
    return this.wire.length * TIMING_SLOTS;
  }

  get buffer(): Float64Array {
    return this.timings;
  }

  add(index: number, result: WireResult): void {
    if (this.wire.length === 0) this.start = index;
    this.wire.push(result);
    // A careful batch sends each result at once: should the worker die, the pool knows exactly where.
    if (checkEachCase || this.wire.length >= CHUNK_CASES || Date.now() - this.flushedAt >= CHUNK_MS) this.flush();
  }

  /**
   * Sends what is waiting; with `done`, also tells the pool the batch is over. Unless each case was checked already,
   * the built-ins are checked first: when a case of this chunk changed one, nothing of the chunk is sent, and the pool
   * runs it again on a fresh worker that checks after every case, to find which one it was.
   */
  flush(done?: ResultsMessage["done"]): void {
    if (!checkEachCase && this.wire.length > 0 && changedIntrinsic() !== undefined) {
      polluted = true;
      this.wire = [];
      mark(WORKER_PHASE.idle, 0);
      void retire(true);
      return;
    }
    if (this.wire.length > 0 || done !== undefined) {
      // The rows in use, copied (a view would carry the whole 72 KB buffer), and not transferred: detaching a buffer
      // made each message cost about 0.2 ms on the worker's side (measured on cxda bench), far more than the copy.
      const timings = this.timings.slice(0, this.wire.length * TIMING_SLOTS);
      const message = encodeResults(this.batchId, this.start, this.wire, timings, unclean);
      if (done !== undefined) message.done = done;
      port?.postMessage(message);
    }
    this.wire = [];
    this.flushedAt = Date.now();
  }
}

/**
 * What keeps an idle worker's event loop busy (its message port), counted when the first batch begins: more than this
 * after a batch is left-over work.
 */
let idleResources: number | undefined;

/** Timers, ports, requests and handles the event loop still has, except handles on their way to closing. */
function pendingWork(): number {
  let count = 0;
  for (const kind of process.getActiveResourcesInfo()) if (kind !== "CloseReq") count++;
  return count;
}

/** A fault of the harness on one case, as its error: a trigger too deep to freeze is the case's, named by it. */
function harnessFault(fault: unknown, input: DecodedCase): Problem {
  if (fault instanceof RangeError && /call stack/.test(fault.message)) {
    const where = input.trigger.kind === "changed" ? `${input.trigger.where}: ` : "";
    return {
      code: "E_CASE",
      message: `${where}the case's trigger is nested too deeply to be frozen for the transform (${fault.message}); keep it within 256 levels`,
    };
  }
  return toProblem(fault, "E_SANDBOX");
}

async function runBatch(message: BatchMessage): Promise<void> {
  idleResources ??= pendingWork();
  checkEachCase = message.careful === true;
  markBatch(state, message.batchId);
  mark(WORKER_PHASE.loading, 0);
  for (const key of message.forget ?? []) actions.delete(key);
  let entry = actions.get(message.actionKey);
  if (entry === undefined) {
    const action = message.action!;
    // Both validators are compiled before the first case, so its timings measure the case, not the set-up.
    entry = {
      action,
      input: compiled(action.inputSchema, "input", action.inputDraft),
      output: compiled(action.outputSchema, "output", action.outputDraft),
      base: action.baseTrigger === undefined ? undefined : deepFreeze(JSON.parse(action.baseTrigger) as Record<string, unknown>),
    };
    actions.set(message.actionKey, entry);
  }
  const measuring = message.instrument === undefined ? undefined : await startMeasuring(message.instrument, entry.action);
  const transform = await loadTransform(entry.action, measuring?.suffix);
  const cases = decodeBatch(message.cases, deepFreeze);
  const outbox = new Outbox(message.batchId);
  const unwatch = watchPromises();
  try {
    for (let index = 0; index < cases.length; index++) {
      const input = cases[index]!;
      mark(WORKER_PHASE.running, index);
      const at = outbox.row;
      let result: WireResult;
      try {
        const running = runCase(entry, input, transform, outbox.buffer, at, message.detail);
        result = running instanceof Promise ? await running : running;
      } catch (fault) {
        // Only the harness can get here (a schema that will not compile, a trigger that cannot be generated): report it
        // on the case, keep the batch going.
        const { code, message: said } = harnessFault(fault, input);
        const secrets = secretValues(input.trigger.kind === "given" ? input.trigger.trigger : undefined, input.vars);
        clearTimings(outbox.buffer, at);
        result = {
          result: {
            status: "error",
            issues: [],
            failures: [],
            logs: finishLogs(currentLogs, secrets),
            steps: [],
            durationMs: 0,
            error: scrubError({ code, message: said }, secrets),
          },
        };
      }
      outbox.add(index, result);
      if (polluted) return RETIRED;
      if (recycle) {
        // Everything up to this case leaves; the pool replaces this worker and runs the rest on a fresh one.
        mark(WORKER_PHASE.idle, 0);
        outbox.flush();
        return retire();
      }
    }
  } finally {
    unwatch();
  }
  mark(WORKER_PHASE.idle, 0);
  // Counts of a batch that did not ask for coverage must not leak into the next one that does.
  if (coverage.started && message.instrument?.coverage !== true) coverage.dirty = true;
  outbox.flush(measuring === undefined ? {} : { instrumentation: await measuring.finish() });
  if (polluted) return RETIRED;
  // Work the transform left that no case owns (an AbortSignal.timeout, a MessageChannel, a pending read) must not run
  // into another action's batch. The batch's results are out; a fresh worker takes what comes next.
  if (pendingWork() > idleResources!) return retire();
}

// ---------------------------------------------------------------------------------------------------------------------
// Instrumentation: V8 precise coverage and the CPU profiler through an inspector session on this worker's own isolate.
// Nothing here runs unless a batch carries `instrument`.

let inspectorSession: Promise<Session> | undefined;

/** Coverage state of this worker: precise coverage stays on once started (stopping it would drop block counters). */
const coverage = {
  started: false,
  /** The counters hold counts from a batch nobody asked to measure: reset them before the next measured batch. */
  dirty: false,
  /** Transform module keys imported while coverage was on: only those have block counters. */
  counted: new Set<string>(),
};

function openInspector(): Promise<Session> {
  inspectorSession ??= import("node:inspector/promises").then(async ({ Session: InspectorSession }) => {
    const session = new InspectorSession();
    session.connect();
    await session.post("Profiler.enable");
    return session;
  });
  return inspectorSession;
}

interface Measuring {
  /** The import suffix under which the transform has block counters (see {@link coverageSuffix}). */
  suffix: string;
  /** Stops measuring and returns what the batch measured. */
  finish(): Promise<BatchInstrumentation>;
}

/**
 * A transform imported before coverage began has no block counters, and an ES module cannot be imported twice under
 * one URL: such a worker imports a second instance under a query suffix and measures that one.
 */
function coverageSuffix(action: WorkerAction): string {
  if (!("file" in action.bundle)) return "";
  const file = action.bundle.file;
  const suffix = transforms.has(file) && !coverage.counted.has(file) ? "?cxda-coverage" : "";
  coverage.counted.add(file + suffix);
  return suffix;
}

async function startMeasuring(instrument: InstrumentOptions, action: WorkerAction): Promise<Measuring> {
  const unmeasured = (problem: string): Measuring => ({ suffix: "", finish: () => Promise.resolve({ problem }) });
  let session: Session;
  try {
    session = await openInspector();
  } catch (error) {
    return unmeasured(`the V8 inspector is not available in the worker: ${describeThrown(error)}`);
  }
  const measureCoverage = instrument.coverage === true;
  const profile = instrument.profile;
  let suffix = "";
  try {
    if (measureCoverage) {
      if (!coverage.started) {
        // V8 gives block counters only to code compiled after this call, hence before the transform is imported.
        await session.post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
        coverage.started = true;
      } else if (coverage.dirty) {
        await session.post("Profiler.takePreciseCoverage");
      }
      coverage.dirty = false;
      suffix = coverageSuffix(action);
    }
    if (profile !== undefined) {
      await session.post("Profiler.setSamplingInterval", { interval: profile.samplingIntervalUs });
      await session.post("Profiler.start");
    }
  } catch (error) {
    return unmeasured(`starting the V8 profiler failed: ${describeThrown(error)}`);
  }
  return {
    suffix,
    async finish() {
      const data: BatchInstrumentation = {};
      try {
        if (profile !== undefined) data.profile = (await session.post("Profiler.stop")).profile;
        if (measureCoverage && "file" in action.bundle) {
          const url = pathToFileURL(action.bundle.file).href + suffix;
          // takePreciseCoverage also resets the counters, so each batch reports only its own counts.
          const taken = await session.post("Profiler.takePreciseCoverage");
          const script = taken.result.find((entry) => entry.url === url);
          if (script !== undefined) data.coverage = script;
        }
      } catch (error) {
        data.problem = `measuring the batch failed: ${describeThrown(error)}`;
      }
      return data;
    },
  };
}

// Batches run one after another, in the order they came: the pool sends the next one before this one ends, so the
// worker never waits for it.
let running: Promise<void> = Promise.resolve();
// The built-ins as the harness leaves them: from here on, a change is a transform's.
recordIntrinsics();
// Everything above has loaded: the pool may now prefer this worker to one still starting.
port.postMessage({ type: "ready" } satisfies WorkerMessage);
port.on("message", (message: BatchMessage) => {
  // An upstream's answer goes at once to the case waiting for it, which is part of the batch running now.
  if ((message as { type?: unknown }).type === "upstream-reply") {
    void loadDeclarativeRunner().then((runner) => runner.takeUpstreamReply(message));
    return;
  }
  running = running
    .then(() => runBatch(message))
    .catch((fault: unknown) => {
      // A fault of the harness itself, outside any case: the pool sees the worker exit, blames the case it was on and
      // reruns the rest on a fresh worker.
      process.stderr.write(`cxda worker: ${describeThrown(fault)}\n`);
      exitWorker(70);
    });
});
