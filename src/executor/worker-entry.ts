// The worker thread: runs batches of cases through validate-input → execute → validate-output → compare.
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { relative } from "node:path";
import { performance } from "node:perf_hooks";
import { format } from "node:util";
import type { CaseFailure, LogEntry, PreparedCase, TraceStep, ValidationIssue } from "../core/types.js";
import { describeThrown } from "../core/errors.js";
import { createValidator } from "../validation/create-validator.js";
import { evaluateExpectations, type CaseOutcome } from "../cases/evaluate-case.js";
import { toJsonOutput } from "./json-output.js";
import { REDACTED, SECRET_KEY } from "../trace/redact-secrets.js";
import type { Session } from "node:inspector/promises";
import type { BatchInstrumentation, BatchMessage, InstrumentOptions, WorkerAction, WorkerCaseResult, WorkerMessage } from "./protocol.js";
import { WORKER_PHASE, WORKER_STATE, type WorkerStartData } from "./protocol.js";

type TransformFn = (trigger: unknown, ctx: unknown) => unknown;

const port = parentPort;
if (port === null) throw new Error("worker-entry.ts must run in a worker thread");
process.setSourceMapsEnabled(true);

/** Logs of the case that is running now; console.* and ctx.log append here. */
let currentLogs: LogEntry[] = [];
let caseStartedAt = 0;

function capture(level: LogEntry["level"]) {
  return (...args: unknown[]): void => {
    currentLogs.push({ level, message: format(...args), atMs: round(performance.now() - caseStartedAt) });
  };
}

for (const level of ["log", "info", "warn", "error", "debug"] as const) console[level] = capture(level);
console.trace = capture("debug");

function refuse(what: string, why: string) {
  return (): never => {
    throw Object.assign(new Error(`${what} is blocked inside a transform: ${why}`), { name: "CxdaError", code: "E_SANDBOX" });
  };
}

/** Closes the doors a transform could leave through at run time (modules are handled when bundling). */
function installRuntimeGuards(allowNetwork: boolean): void {
  const exitWhy = "a transform returns its output; it may not stop the process";
  process.exit = refuse("process.exit()", exitWhy) as typeof process.exit;
  process.abort = refuse("process.abort()", exitWhy) as typeof process.abort;
  process.kill = refuse("process.kill()", exitWhy) as typeof process.kill;
  process.chdir = refuse("process.chdir()", "the working directory is shared with the harness");
  // Doors to native code and the raw process that no transform needs.
  const nativeWhy = "a transform may not load native code or reach the process underneath";
  for (const name of ["binding", "_linkedBinding", "dlopen", "reallyExit"] as const) {
    if (name in process) Object.defineProperty(process, name, { value: refuse(`process.${name}()`, nativeWhy), writable: false, configurable: false });
  }
  if (!allowNetwork) {
    const why = "network access is refused; pass data in through the trigger or ctx.vars, or allow it in the cxda config (sandbox.network)";
    for (const name of ["fetch", "WebSocket", "EventSource"]) {
      if (name in globalThis) Object.defineProperty(globalThis, name, { value: refuse(name, why), writable: false, configurable: false });
    }
  }
}
installRuntimeGuards(process.env.CXDA_SANDBOX_NETWORK === "1");

// A transform may leave work behind (a timer that throws, a promise nobody awaits): record it on the running case
// instead of letting it take the worker down.
process.on("unhandledRejection", (reason) => capture("error")(`unhandled promise rejection in the transform: ${describeThrown(reason)}`));
process.on("uncaughtException", (error) => capture("error")(`uncaught exception in the transform: ${describeThrown(error)}`));

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Stack frames of the harness are noise to a user: keep the transform's frames, with paths relative to the cwd. */
function cleanStack(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  const cwd = process.cwd();
  const lines = stack.split("\n");
  const kept = lines.filter((line, index) => index === 0 || (!line.includes("worker-entry") && !line.includes("node:internal")));
  return kept.map((line) => line.replace(/(file:\/\/)?(\/[^\s():]+)/g, (_m, _scheme, file: string) => (file.startsWith(cwd) ? relative(cwd, file) : file))).join("\n");
}

const transforms = new Map<string, Promise<TransformFn | { code: string; message: string }>>();

/**
 * Imports the transform once per worker (and per `suffix`: a query that makes a second, separate module instance).
 * @param suffix appended to the file URL; empty for an ordinary run
 */
async function loadTransform(action: WorkerAction, suffix = ""): Promise<TransformFn | { code: string; message: string }> {
  if ("error" in action.bundle) return action.bundle.error;
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
        message: `the transform module failed while loading: ${describeThrown(error)}${error instanceof Error && error.stack ? `\n${cleanStack(error.stack)?.split("\n").slice(1, 4).join("\n")}` : ""}`,
      }),
    );
    transforms.set(key, loading);
  }
  return loading;
}

const MUTATION = /^Cannot (assign to read only property '([^']+)'|add property ([^,]+), object is not extensible|delete property '([^']+)')/;

function classifyThrow(error: unknown): { code: string; message: string; stack?: string; ownThrow: boolean } {
  const stack = error instanceof Error ? cleanStack(error.stack) : undefined;
  const message = describeThrown(error);
  const withStack = (value: { code: string; message: string; ownThrow: boolean }) => (stack === undefined ? value : { ...value, stack });
  if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === "E_SANDBOX") {
    return withStack({ code: "E_SANDBOX", message, ownThrow: false });
  }
  const mutation = error instanceof TypeError ? MUTATION.exec(error.message) : null;
  if (mutation !== null) {
    const property = mutation[2] ?? mutation[3] ?? mutation[4] ?? "?";
    return withStack({
      code: "E_MUTATION",
      message: `the transform changed its input (property "${property}"): the trigger, ctx and ctx.vars are read-only; build and return a new object instead (copy with { ...value } or structuredClone(value))`,
      ownThrow: false,
    });
  }
  if (error instanceof RangeError && /call stack/.test(error.message)) {
    return withStack({ code: "E_TRANSFORM", message: `the transform overflowed the stack (unbounded recursion?): ${message}`, ownThrow: true });
  }
  const name = error instanceof Error ? `${error.name}: ` : "";
  return withStack({ code: "E_TRANSFORM", message: `the transform threw ${name}${message}`, ownThrow: true });
}

function step(name: TraceStep["step"], label: string, startedAt: number, ok: boolean | null, detail?: Record<string, unknown>): TraceStep {
  const end = performance.timeOrigin + performance.now();
  const entry: TraceStep = { step: name, name: label, ok, startedAt: round(startedAt), durationMs: round(end - startedAt) };
  if (detail !== undefined) entry.detail = detail;
  return entry;
}

function now(): number {
  return performance.timeOrigin + performance.now();
}

async function runCase(action: WorkerAction, prepared: PreparedCase, transform: TransformFn | { code: string; message: string }): Promise<WorkerCaseResult> {
  const steps: TraceStep[] = [];
  const began = now();
  currentLogs = [];
  caseStartedAt = performance.now();
  let error: WorkerCaseResult["error"];
  let output: unknown;
  let executed = false;
  let thrown: CaseOutcome["thrown"];

  let startedAt = now();
  const inputIssues = createValidator(action.inputSchema, { side: "input", draft: action.inputDraft }).validate(prepared.trigger);
  steps.push(step("validate-input", "validate input", startedAt, inputIssues.length === 0, { issues: inputIssues.length }));
  let issues: ValidationIssue[] = inputIssues;

  startedAt = now();
  if (inputIssues.length > 0) {
    steps.push(step("execute", "execute transform", startedAt, null, { skipped: "the input is invalid" }));
  } else if (typeof transform !== "function") {
    error = transform;
    steps.push(step("execute", "execute transform", startedAt, false, { error: transform.code }));
  } else {
    const trigger = deepFreeze(prepared.trigger);
    const nowMs = prepared.now;
    const ctx = Object.freeze({
      actionId: action.actionId,
      env: action.env,
      vars: deepFreeze(prepared.vars),
      now: () => new Date(nowMs),
      log: capture("log"),
    });
    try {
      executed = true;
      output = toJsonOutput(await transform(trigger, ctx), start.maxOutputBytes);
      steps.push(step("execute", "execute transform", startedAt, true));
    } catch (caught) {
      const fault = isOutputError(caught) ? { code: "E_OUTPUT", message: caught.message, ownThrow: false } : classifyThrow(caught);
      output = undefined;
      if (fault.ownThrow) thrown = { message: describeThrown(caught) };
      const { ownThrow: _own, ...rest } = fault;
      error = rest;
      steps.push(step("execute", "execute transform", startedAt, false, { error: fault.code }));
    }
  }

  startedAt = now();
  if (executed && error === undefined) {
    const outputIssues = createValidator(action.outputSchema, { side: "output", draft: action.outputDraft }).validate(output);
    issues = outputIssues;
    steps.push(step("validate-output", "validate output", startedAt, outputIssues.length === 0, { issues: outputIssues.length }));
  } else {
    steps.push(step("validate-output", "validate output", startedAt, null, { skipped: "no output" }));
  }

  startedAt = now();
  const failures = evaluateExpectations(prepared.expect, { executed, output, issues, ...(thrown ? { thrown } : {}) });
  const expectedThrow = thrown !== undefined && prepared.expect.throws !== undefined;
  steps.push(step("compare", "compare with expectations", startedAt, failures.length === 0, { failures: failures.length }));

  const status: WorkerCaseResult["status"] = error !== undefined && !expectedThrow ? "error" : failures.length > 0 ? "fail" : "pass";
  // Looking for secrets costs a walk of the trigger: only when there is text they could be in.
  // A thrown message can reach the failures too (a throws expectation that did not match), so a throw counts as text.
  const secrets = currentLogs.length > 0 || error !== undefined || thrown !== undefined ? secretValues(prepared) : [];
  const result: WorkerCaseResult = { status, issues, failures: scrubFailures(failures, secrets), logs: scrubLogs(currentLogs, secrets), steps, durationMs: round(now() - began) };
  if (output !== undefined) result.output = output;
  if (error !== undefined && !expectedThrow) result.error = secrets.length === 0 ? error : scrubError(error, secrets);
  return result;
}

/** String values under secret-looking keys of the trigger and vars (a token a transform might log). */
function secretValues(prepared: PreparedCase): string[] {
  const found: string[] = [];
  const visit = (value: unknown, secret: boolean): void => {
    if (typeof value === "string") {
      if (secret && value.length >= 4) found.push(value);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, item] of Object.entries(value)) visit(item, secret || SECRET_KEY.test(key));
    }
  };
  visit(prepared.trigger, false);
  visit(prepared.vars, false);
  return found;
}

function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((current, secret) => current.split(secret).join(REDACTED), text);
}

/** Logs leave the worker with any secret value from the trigger or vars replaced, whatever the transform printed. */
function scrubLogs(logs: LogEntry[], secrets: readonly string[]): LogEntry[] {
  if (logs.length === 0 || secrets.length === 0) return logs;
  return logs.map((log) => ({ ...log, message: scrub(log.message, secrets) }));
}

/** Failures that quote a thrown message (`expected a throw containing …, got "…"`) are scrubbed the same way. */
function scrubFailures(failures: CaseFailure[], secrets: readonly string[]): CaseFailure[] {
  if (failures.length === 0 || secrets.length === 0) return failures;
  return failures.map((failure) => {
    const scrubbed: CaseFailure = { ...failure, message: scrub(failure.message, secrets) };
    if (typeof failure.actual === "string") scrubbed.actual = scrub(failure.actual, secrets);
    return scrubbed;
  });
}

/** The same for an error the transform threw with a secret in its message. */
function scrubError(error: NonNullable<WorkerCaseResult["error"]>, secrets: readonly string[]): NonNullable<WorkerCaseResult["error"]> {
  const scrubbed = { ...error, message: scrub(error.message, secrets) };
  if (error.stack !== undefined) scrubbed.stack = scrub(error.stack, secrets);
  return scrubbed;
}

function isOutputError(value: unknown): value is Error & { code: "E_OUTPUT" } {
  return value instanceof Error && (value as { code?: unknown }).code === "E_OUTPUT";
}

const start = workerData as WorkerStartData;
const state = new Int32Array(start.state);

/** Tells the pool (through shared memory) what this worker is doing from now on. */
function mark(phase: number, index: number): void {
  Atomics.store(state, WORKER_STATE.index, index);
  Atomics.store(state, WORKER_STATE.since, Date.now() - start.epoch);
  Atomics.store(state, WORKER_STATE.phase, phase);
}

/** Results wait here and leave in chunks: one message per case would cost more than most cases do. */
const CHUNK_CASES = 64;
const CHUNK_MS = 25;

async function runBatch(message: BatchMessage): Promise<void> {
  Atomics.store(state, WORKER_STATE.batchId, message.batchId);
  mark(WORKER_PHASE.loading, 0);
  const measuring = message.instrument === undefined ? undefined : await startMeasuring(message.instrument, message.action);
  const transform = await loadTransform(message.action, measuring?.suffix);
  try {
    // Compile both validators before the first case, so its timings measure the case, not the set-up.
    createValidator(message.action.inputSchema, { side: "input", draft: message.action.inputDraft });
    createValidator(message.action.outputSchema, { side: "output", draft: message.action.outputDraft });
  } catch {
    // Reported on each case by runCase, where the same call fails again.
  }
  let pending: WorkerCaseResult[] = [];
  let pendingStart = 0;
  let flushedAt = Date.now();
  const flush = (): void => {
    if (pending.length > 0) post({ type: "results", batchId: message.batchId, start: pendingStart, json: JSON.stringify(pending) });
    pending = [];
    flushedAt = Date.now();
  };
  for (let index = 0; index < message.cases.length; index++) {
    const prepared = message.cases[index]!;
    mark(WORKER_PHASE.running, index);
    let result: WorkerCaseResult;
    try {
      result = await runCase(message.action, prepared, transform);
    } catch (fault) {
      // Only the harness can get here (a schema that will not compile, say): report it on the case, keep the batch going.
      const code = typeof fault === "object" && fault !== null && typeof (fault as { code?: unknown }).code === "string" ? (fault as { code: string }).code : "E_SANDBOX";
      const secrets = secretValues(prepared);
      result = { status: "error", issues: [], failures: [], logs: scrubLogs(currentLogs, secrets), steps: [], durationMs: 0, error: scrubError({ code, message: describeThrown(fault) }, secrets) };
    }
    if (pending.length === 0) pendingStart = index;
    pending.push(result);
    if (pending.length >= CHUNK_CASES || Date.now() - flushedAt >= CHUNK_MS) flush();
  }
  flush();
  mark(WORKER_PHASE.idle, 0);
  // Counts of a batch that did not ask for coverage must not leak into the next one that does.
  if (coverage.started && message.instrument?.coverage !== true) coverage.dirty = true;
  if (measuring === undefined) post({ type: "batch-done", batchId: message.batchId });
  else post({ type: "batch-done", batchId: message.batchId, instrumentation: await measuring.finish() });
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
  if ("error" in action.bundle) return "";
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

function post(message: WorkerMessage): void {
  port?.postMessage(message);
}

port.on("message", (message: BatchMessage) => {
  void runBatch(message);
});
