// One case's trace as a JSON file: its steps on a timeline, issues, failures, logs and, on request, input and output.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { ProblemWithStack } from "../core/errors.js";
import type { CaseFailure, CaseResult, LogEntry, TraceStep, ValidationIssue } from "../core/types.js";
import { actionFileName, createSlugger } from "./case-slug.js";
import { redactResult, redactSecrets } from "../secrets/redact.js";

/** A step with its place on the case's timeline. */
export interface TraceFileStep extends TraceStep {
  /** Milliseconds from the case's first own step (negative for `load-definition`, which ran once, before any case). */
  offsetMs: number;
}

/** What `reports/traces/<action>/<case>.json` holds. Secret-looking values are always redacted. */
export interface TraceFile {
  format: "cxda-trace";
  version: 1;
  action: string;
  case: string;
  source?: string;
  status: CaseResult["status"];
  /** ISO time of the case's first own step. */
  startedAt: string;
  durationMs: number;
  steps: TraceFileStep[];
  issues: ValidationIssue[];
  failures: CaseFailure[];
  error?: ProblemWithStack;
  logs: LogEntry[];
  /** The trigger the case received (only when payloads were asked for). */
  input?: unknown;
  /** The transform's output (only when payloads were asked for). */
  output?: unknown;
}

/** Options of {@link toTraceFile}. */
export interface TraceFileOptions {
  /** Include the trigger and the output. @default false */
  payloads?: boolean;
  /** The trigger the case received (from `recordTriggers`). */
  trigger?: unknown;
}

/**
 * Builds a case's trace file, redacted.
 * @example
 * toTraceFile(result, { payloads: true, trigger }).steps.map((s) => `${s.step} +${s.offsetMs}ms`);
 */
export function toTraceFile(result: CaseResult, options: TraceFileOptions = {}): TraceFile {
  const shown = redactResult(result);
  const own = shown.trace.steps.filter((step) => step.step !== "load-definition");
  const first = own[0]?.startedAt ?? shown.trace.steps[0]?.startedAt ?? Date.now();
  const round = (ms: number): number => Math.round(ms * 1000) / 1000;
  const file: TraceFile = {
    format: "cxda-trace",
    version: 1,
    action: shown.action,
    case: shown.case,
    status: shown.status,
    startedAt: new Date(first).toISOString(),
    durationMs: shown.durationMs,
    steps: shown.trace.steps.map((step) => ({ ...step, offsetMs: round(step.startedAt - first) })),
    issues: shown.issues,
    failures: shown.failures,
    logs: shown.logs,
  };
  if (shown.source !== undefined) file.source = shown.source;
  if (shown.error !== undefined) file.error = shown.error;
  if (options.payloads === true) {
    if (options.trigger !== undefined) file.input = redactSecrets(options.trigger);
    if (shown.output !== undefined) file.output = shown.output;
  }
  return file;
}

/** Options of {@link createTraceWriter}. */
export interface TraceWriterOptions {
  /** Folder for the traces; each action gets a folder in it. @default "reports/traces" */
  dir?: string;
  /** Include each case's trigger and output. @default false */
  payloads?: boolean;
}

/** {@link TraceWriterOptions} with every default applied. */
export interface ResolvedTraceWriterOptions {
  dir: string;
  payloads: boolean;
}

/**
 * Applies the defaults.
 * @example
 * resolveTraceWriterOptions({}); // { dir: "/abs/reports/traces", payloads: false }
 */
export function resolveTraceWriterOptions(options: TraceWriterOptions = {}): ResolvedTraceWriterOptions {
  return { dir: resolve(options.dir ?? join("reports", "traces")), payloads: options.payloads ?? false };
}

/** Writes one trace file per case as results arrive. */
export interface TraceWriter {
  /** Writes the case's trace; resolves with the file's absolute path. */
  write(result: CaseResult, trigger?: unknown): Promise<string>;
  /** Every file written so far. */
  readonly files: readonly string[];
}

/**
 * Creates a writer of `<dir>/<action>/<case-slug>.json` files; cases with the same name get `-2`, `-3`…
 * Files of an earlier run are overwritten, never deleted.
 * @example
 * const traces = createTraceWriter({ dir: "reports/traces", payloads: true });
 * for await (const result of runCases({ actions, bus })) await traces.write(result, triggers.take(result));
 */
export function createTraceWriter(options: TraceWriterOptions = {}): TraceWriter {
  const settings = resolveTraceWriterOptions(options);
  const sluggers = new Map<string, (name: string) => string>();
  const files: string[] = [];
  return {
    async write(result, trigger) {
      let slug = sluggers.get(result.action);
      if (slug === undefined) sluggers.set(result.action, (slug = createSlugger()));
      const folder = join(settings.dir, actionFileName(result.action));
      const file = join(folder, `${slug(result.case)}.json`);
      await mkdir(folder, { recursive: true });
      const content = toTraceFile(result, { payloads: settings.payloads, ...(trigger !== undefined ? { trigger } : {}) });
      await writeFile(file, `${JSON.stringify(content, null, 2)}\n`);
      files.push(file);
      return file;
    },
    get files() {
      return files;
    },
  };
}
