// The Reporter interface: what every output of a run implements (the terminal, JSON, JUnit, HTML, traces, coverage…).
import type { CaseResult, RunSummary } from "../core/types.js";
import type { InstrumentOptions } from "../executor/protocol.js";
import type { HtmlReportCoverage, HtmlReportProfile } from "./html-report.js";
import type { ActionInstrumentation } from "../runner/run-cases.js";

/** The styles a reporter may paint text with; the output decides whether they show. */
export type ReportStyle = "red" | "green" | "yellow" | "dim" | "bold" | "cyan" | "inverse";

/** Where reporters that print write their lines (the CLI passes its terminal; the default discards them). */
export interface ReportOutput {
  /** Prints one line. */
  print(line?: string): void;
  /** Wraps text in a style, or returns it as it is when the output has no colour. */
  paint(style: ReportStyle, text: string): string;
}

/** What a reporter needs the run to do for it; the session merges every reporter's needs. */
export interface ReporterNeeds {
  /**
   * Whole results: passing cases keep their output and logs, in `onResult` too, and every result is kept for
   * `onRunEnd` ({@link RunEndContext.results}). Without it only the results that did not pass are kept, and passing
   * results reach `onResult` without `output` and `logs` unless another reporter of the session asked.
   * @default false
   */
  results?: boolean;
  /** The trigger each case received, passed to `onResult`. @default false */
  triggers?: boolean;
  /** Measurements inside the workers (V8 coverage, CPU profiles), passed to `onInstrumentation`. @default nothing */
  instrument?: InstrumentOptions;
}

/** What a reporter learns when the run starts. */
export interface RunStartContext {
  /** Where printed lines go. */
  output: ReportOutput;
}

/** A file a reporter wrote, for the reporters after it (the HTML report links to it) and for the closing lines. */
export interface WrittenReport {
  /** Absolute path of the file or folder. */
  path: string;
  /** The link's text in the HTML report; no link when absent. */
  label?: string;
}

/** What the coverage and profile reporters found, for the reporters after them (the HTML report shows it). */
export interface RunFindings {
  /** Coverage of the transforms; `dir` is istanbul's HTML folder when it was written. */
  coverage?: Omit<HtmlReportCoverage, "href"> & { dir?: string };
  /** Each action's profile; `file` is its `.cpuprofile` when it was written. */
  profiles?: Array<Omit<HtmlReportProfile, "href"> & { file?: string }>;
}

/** What a reporter learns when the run ends. */
export interface RunEndContext {
  /** Where printed lines go. */
  output: ReportOutput;
  /**
   * The results kept, in run order: all of them when a reporter asked for `needs.results`, else those that did not
   * pass.
   */
  results: readonly CaseResult[];
  /** The trigger the case of `result` received, when a reporter asked for `needs.triggers` and it was recorded. */
  triggerOf(result: CaseResult): unknown;
  /** Files written by the reporters before this one. Add yours with {@link RunEndContext.wrote}. */
  written: readonly WrittenReport[];
  /** Records a file this reporter wrote, and a dim line printed after every reporter has ended. */
  wrote(report: WrittenReport, line: string): void;
  /** Findings of the reporters before this one. */
  findings: RunFindings;
}

/** What a reporter may answer at the end of the run. */
export interface ReporterVerdict {
  /** False makes the run fail (a coverage threshold not met) even when every case passed. */
  ok: boolean;
}

/**
 * One output of a run. Every method is optional and may be async; the session awaits each in turn, in the order the
 * reporters were given, so a later reporter sees what an earlier one wrote ({@link RunEndContext.written},
 * {@link RunEndContext.findings}). A method that throws fails the run with an error naming the reporter
 * (`the junit reporter failed in onRunEnd: …`). A reporter belongs to one run at a time: a second session given the
 * same reporter starts it again, and a file reporter rewrites its file.
 * @example
 * const counter: Reporter = {
 *   name: "counter",
 *   onResult(result) { if (result.status !== "pass") failed++; },
 *   onRunEnd(summary) { console.log(`${summary.passed}/${summary.total}`); },
 * };
 */
export interface Reporter {
  /** A name for messages (`junit`, `html`…). */
  readonly name: string;
  /** What the run must do for this reporter. @default nothing */
  readonly needs?: ReporterNeeds;
  /** Called once before the first result. */
  onRunStart?(context: RunStartContext): void | Promise<void>;
  /**
   * Called with each result in run order; `trigger` is set when `needs.triggers` was asked for and it was recorded.
   * A result that did not pass is always whole. A passing result comes without its `output` and `logs` (they stay in
   * the worker, which keeps large runs light) unless some reporter of the session set `needs.results`: set it on
   * yours when it reads them, rather than count on another reporter having asked.
   * @example
   * { name: "outputs", needs: { results: true }, onResult: (result) => void outputs.push(result.output) }
   */
  onResult?(result: CaseResult, trigger?: unknown): void | Promise<void>;
  /** Called after an action's last result with that action's counts. */
  onActionEnd?(action: string, summary: RunSummary): void | Promise<void>;
  /** Called with what each batch of cases measured, when `needs.instrument` asks for something. */
  onInstrumentation?(data: ActionInstrumentation): void;
  /** Called once after the last result, with the run's summary (counted once, by the session). */
  onRunEnd?(summary: RunSummary, context: RunEndContext): void | ReporterVerdict | Promise<void | ReporterVerdict>;
}

/** An output that prints nothing and paints nothing: what reporters get when the session is given no output. */
export const SILENT_OUTPUT: ReportOutput = { print: () => undefined, paint: (_style, text) => text };
