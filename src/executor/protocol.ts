// The messages passed between the worker pool and its workers.
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

/** Pool → worker: run these cases, in order, and post one result each. */
export interface BatchMessage {
  type: "batch";
  batchId: number;
  action: WorkerAction;
  cases: PreparedCase[];
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
  | { type: "batch-done"; batchId: number };
