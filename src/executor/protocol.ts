// The messages passed between the worker pool and its workers.
import type { Profiler } from "node:inspector";
import type { CaseFailure, JsonSchema, LogEntry, PreparedCase, SchemaDraft, TraceStep, ValidationIssue } from "../core/types.js";

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

/** What a worker found for one case; the pool adds the action name and the load-definition step. */
export interface WorkerCaseResult {
  status: "pass" | "fail" | "error";
  output?: unknown;
  issues: ValidationIssue[];
  failures: CaseFailure[];
  error?: { code: string; message: string; stack?: string };
  logs: LogEntry[];
  steps: TraceStep[];
  durationMs: number;
}

/** Worker → pool messages. */
export type WorkerMessage =
  | { type: "result"; batchId: number; index: number; result: WorkerCaseResult }
  | { type: "batch-done"; batchId: number; instrumentation?: BatchInstrumentation };
