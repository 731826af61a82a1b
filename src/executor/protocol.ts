// The messages passed between the worker pool and its workers.
import type { Profiler } from "node:inspector";
import type { CaseResult, JsonSchema, PreparedCase, SchemaDraft, TraceStep } from "../core/types.js";

/** Everything a worker needs to run an action's cases. */
export interface WorkerAction {
  actionId: string;
  env: string;
  /** Absolute path of the bundled transform, or an error found while building it. */
  bundle: { file: string } | { error: { code: string; message: string } };
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  inputDraft: SchemaDraft;
  outputDraft: SchemaDraft;
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

/** Pool → worker: run these cases, in order, and post one result each. */
export interface BatchMessage {
  type: "batch";
  batchId: number;
  action: WorkerAction;
  cases: PreparedCase[];
  /** Measure this batch; absent for an ordinary run. */
  instrument?: InstrumentOptions;
}

/**
 * What a worker found for one case: a CaseResult without what only the runner knows (the action and case names, the
 * case's file, the shared load-definition step), and with the worker's steps in place of the whole trace.
 */
export type WorkerCaseResult = Omit<CaseResult, "action" | "case" | "source" | "trace"> & { steps: TraceStep[] };

/** Worker → pool messages. Results travel in chunks, in order (`start` is the batch index of the chunk's first case). */
export type WorkerMessage =
  /** `json` is a JSON array of WorkerCaseResult: one string crosses threads far faster than a graph of objects. */
  | { type: "results"; batchId: number; start: number; json: string }
  | { type: "batch-done"; batchId: number; instrumentation?: BatchInstrumentation };

/**
 * What a worker is doing, in memory shared with the pool (an Int32Array over a SharedArrayBuffer), so the pool can
 * time a case and name it when the worker must be stopped, without a message per case.
 */
export const WORKER_STATE = {
  /** Slots of the Int32Array. */
  batchId: 0,
  index: 1,
  phase: 2,
  /** Milliseconds since the pool's epoch when the current phase began. */
  since: 3,
  length: 4,
} as const;

/** Values of the `phase` slot. */
export const WORKER_PHASE = { idle: 0, loading: 1, running: 2 } as const;

/** What a worker receives at start. */
export interface WorkerStartData {
  state: SharedArrayBuffer;
  /** `Date.now()` at the pool's start: `since` counts from here, so it fits an Int32. */
  epoch: number;
  /** Largest output, in bytes of JSON, a transform may return. */
  maxOutputBytes: number;
}
