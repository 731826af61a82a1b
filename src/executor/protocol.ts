// The messages passed between the worker pool and its workers.
import type { Profiler } from "node:inspector";
import type { Problem } from "../core/errors.js";
import type {
  CaseResult,
  ChangedCase,
  DeclarativeConfig,
  GeneratedCase,
  JsonSchema,
  PreparedCase,
  SchemaDraft,
  TraceStep,
  UpstreamResponse,
} from "../core/types.js";
import type { ResolvedRequest } from "../platforms/genesys/declarative/resolve-request.js";
import type { UpstreamReply } from "../platforms/genesys/declarative/run-declarative.js";
import type { WireResult } from "./wire.js";

/** Everything a worker needs to run an action's cases. */
export interface WorkerAction {
  actionId: string;
  env: string;
  /**
   * Absolute path of the bundled transform, or an error found while building it, or a declarative action's request and
   * response (no user code: the worker runs Genesys' steps).
   */
  bundle: { file: string } | { error: Problem } | { declarative: DeclarativeAction };
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  inputDraft: SchemaDraft;
  outputDraft: SchemaDraft;
  /**
   * The trigger the action's cases start from (its `trigger.json`), as JSON text, when it has one: sent to each worker
   * once, with the definition, so that a case crosses as its changes alone ({@link ChangedCase}). Text, so that the
   * worker reads it as JSON, exactly as a trigger built on the main thread arrives (`1e400` as null, not Infinity).
   */
  baseTrigger?: string;
}

/** A declarative action as a worker runs it. */
export interface DeclarativeAction {
  config: DeclarativeConfig;
  /** Unresolved template references are errors (`--strict`). */
  strict: boolean;
  /** The request goes to the real endpoint (`--live`): a case's `upstream` is not needed, and not used. */
  live: boolean;
  /**
   * What `${credentials.X}` reads in the worker: a placeholder per name the templates use, never the value (the pool
   * puts the real values into a live request, outside the sandbox).
   */
  credentials: Record<string, string>;
}

/** Worker → pool: send this resolved request upstream (to the loopback stub serving `answer`, or live). */
export interface UpstreamMessage {
  type: "upstream";
  id: number;
  request: ResolvedRequest;
  /** The case's answer, which the stub serves; absent under `--live`. */
  answer?: UpstreamResponse;
}

/** Pool → worker: what came back for an {@link UpstreamMessage}, or why nothing did. */
export interface UpstreamReplyMessage {
  type: "upstream-reply";
  id: number;
  reply: UpstreamReply | { error: Problem };
}

/** What to measure inside the worker while a batch runs; absent means nothing (and no extra work). */
export interface InstrumentOptions {
  /** V8 precise coverage (block counts) of the transform bundle. */
  coverage?: boolean;
  /** A V8 CPU profile of the batch, sampled every `samplingIntervalUs` microseconds. */
  profile?: { samplingIntervalUs: number };
}

/** V8's precise coverage of one script, counted since the previous take. */
export type ScriptCoverage = Profiler.ScriptCoverage;

/** A V8 CPU profile: the `.cpuprofile` format Chrome DevTools and speedscope open. */
export type CpuProfile = Profiler.Profile;

/** What a worker measured during one batch. */
export interface BatchInstrumentation {
  /** Coverage of the transform bundle only; `url` is the URL it was imported under. */
  coverage?: ScriptCoverage;
  profile?: CpuProfile;
  /** Why something asked for could not be measured (the inspector refused, say). */
  problem?: string;
}

/**
 * How much of a passing case's result leaves the worker. `full`: everything (output, logs, trace steps). `summary`:
 * status and timings only, for runs whose reporters show a passing case by name alone; a case that did not pass, or
 * passed with issues or a throw it expected, always travels whole.
 */
export type ResultDetail = "full" | "summary";

/** Pool → worker: run these cases, in order. */
export interface BatchMessage {
  type: "batch";
  batchId: number;
  /** Identifies the action within the pool; the worker keeps its validators and transform under this key. */
  actionKey: number;
  /** Sent with the first batch of the action a worker sees; later batches carry only the key. */
  action?: WorkerAction;
  /** Keys of actions the worker may drop (the pool will send their definitions again if it needs them). */
  forget?: number[];
  /**
   * The cases as JSON text (see wire.ts): triggers are JSON data by contract, and one string that the worker parses
   * costs about half of what structured clone of the same objects does.
   */
  cases: string;
  detail: ResultDetail;
  /** Measure this batch; absent for an ordinary run. */
  instrument?: InstrumentOptions;
  /** Check the built-ins after every case, not once per chunk: the batch is run again because one of its cases changed one. */
  careful?: boolean;
}

/**
 * What a worker found for one case: a CaseResult without what only the runner knows (the action and case names, the
 * case's file, the shared load-definition step), and with the worker's steps in place of the whole trace.
 */
export type WorkerCaseResult = Omit<CaseResult, "action" | "case" | "source" | "trace"> & { steps: TraceStep[] };

/**
 * A case as the pool takes it: with its trigger prepared on the main thread, or with one the worker builds from the
 * case's changes, or generates.
 */
export type PoolCase = PreparedCase | ChangedCase | GeneratedCase;

/** Worker → pool: results of consecutive cases of a batch, from `start`; `done` on the batch's last message. */
export interface ResultsMessage {
  type: "results";
  batchId: number;
  start: number;
  /** A JSON array of {@link WireResult}, one per case. */
  json: string;
  /**
   * The same array as structured data, in place of `json` when a transform changed a built-in the worker could not
   * put back (JSON in that worker is no longer to be trusted).
   */
  wire?: WireResult[];
  /** A row of timings per case (see `TIMING_SLOTS` in wire.ts), in the order of `json`. */
  timings: Float64Array;
  /** Present on the batch's last message: the batch is over (with what it measured, when it measured anything). */
  done?: { instrumentation?: BatchInstrumentation };
}

/**
 * Worker → pool messages: `ready` once its modules have loaded; then results, in chunks, in order; `recycle` after the
 * last result it will send, when a case left something behind that later cases would meet (a changed built-in, memory
 * it holds on to): the pool replaces the worker and runs the rest elsewhere, blaming nobody. With `careful`, a chunk
 * held a case that changed a built-in and was not sent: the rest runs again checking after every case.
 */
export type WorkerMessage = { type: "ready" } | ResultsMessage | { type: "recycle"; careful?: boolean } | UpstreamMessage;

/** What a worker receives at start. */
export interface WorkerStartData {
  state: SharedArrayBuffer;
  /** `Date.now()` at the pool's start: `since` counts from here, so it fits an Int32. */
  epoch: number;
  /** Largest output, in bytes of JSON, a transform may return. */
  maxOutputBytes: number;
  /** Largest log line or error message, in bytes, a case may leave. */
  maxLogBytes: number;
  /** The memory limit in MB: heap and memory outside it (ArrayBuffers…) together. */
  memoryMb: number;
  /** Whether transforms may use the network. */
  allowNetwork: boolean;
}

/** Pool → sandbox process: the first message, saying how to start its worker thread. */
export interface HostStart extends Omit<WorkerStartData, "state"> {
  type: "start";
  /** Absolute path of the worker thread's module. */
  entry: string;
  timeoutMs: number;
  loadTimeoutMs: number;
}

/** What a worker was doing when its sandbox process reported a fault: the `WORKER_STATE` slots of wire.ts. */
export interface WorkerSnapshot {
  batchId: number;
  index: number;
  phase: number;
  since: number;
}

/** Sandbox process → pool: the worker must be stopped (the pool kills the process); what it was doing then. */
export interface HostFault {
  type: "fault";
  fault: Problem;
  state: WorkerSnapshot;
  /** Milliseconds since the pool's epoch when the fault was found. */
  at: number;
  /** The watchdog stopped a case that ran past its time (it, and only it, is to blame). */
  timed?: boolean;
  /** The transform module was still loading. */
  loading?: boolean;
}

/** Sandbox process → pool: everything a worker sends, or a fault. */
export type HostMessage = WorkerMessage | HostFault;
