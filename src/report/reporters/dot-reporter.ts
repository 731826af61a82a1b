// The dot reporter (as vitest's): one mark per case as results arrive, wrapped at the terminal's width, then the cases
// that did not pass in full and the counts, both as the default reporter prints them.
import { CxdaError } from "../../core/errors.js";
import type { CaseResult } from "../../core/types.js";
import { caseResultLines } from "../case-lines.js";
import { notRunGroups } from "../not-run-lines.js";
import { printedOutput } from "../standard-output.js";
import type { Reporter, ReportOutput, ReportStyle } from "../reporter.js";
import { consoleReporter } from "./console-reporter.js";

/** Options of {@link dotReporter}. */
export interface DotReporterOptions {
  /**
   * Marks per line: the terminal's width.
   * @default 80
   * @example process.stdout.columns
   */
  columns?: number;
  /**
   * Shows the unfinished line of marks, without colour, each time it grows: a terminal's status line, which the next
   * printed line replaces. Without it a line of marks is printed only once it is full, or when the run ends.
   * @default nothing
   */
  status?: (line: string) => void;
  /**
   * Print the counts at the end (`14 cases in 120 ms`, `13 passed, 1 failed`). The CLI prints its own closing lines.
   * @default true
   */
  summary?: boolean;
}

interface ResolvedDotReporterOptions {
  columns: number;
  status: ((line: string) => void) | undefined;
  summary: boolean;
}

/** A terminal whose width is not known (a pipe, a CI log) gets lines of this many marks. */
const DEFAULT_COLUMNS = 80;

// ASCII marks only: `.` rather than vitest's `·`, so a terminal or log that is not UTF-8 shows them as they are.
const MARKS: Record<CaseResult["status"], { mark: string; style: ReportStyle }> = {
  pass: { mark: ".", style: "green" },
  fail: { mark: "x", style: "red" },
  error: { mark: "E", style: "red" },
};

/**
 * Applies the defaults of {@link dotReporter}.
 * @throws CxdaError `E_USAGE` when `columns` is not a positive integer
 */
function resolveDotReporterOptions(options: DotReporterOptions): ResolvedDotReporterOptions {
  const columns = options.columns ?? DEFAULT_COLUMNS;
  if (!Number.isInteger(columns) || columns < 1) throw new CxdaError("E_USAGE", `dotReporter: columns must be a positive integer, got ${columns}`);
  return { columns, status: options.status, summary: options.summary !== false };
}

/**
 * The compact terminal reporter (`--reporter dot`): `.` for a case that passed, `x` for one that failed, `E` for one that
 * ended in an error, wrapped at `columns`; when the run ends, the cases that did not pass with their reasons (the
 * default reporter's lines) and the counts. Colour comes from the session's output, as for the default reporter.
 * @example
 * await runWithReporters({ actions: ["actions"] }, [dotReporter({ columns: process.stdout.columns })], {
 *   output: { print: console.log, paint: (_s, t) => t },
 * });
 */
export function dotReporter(options: DotReporterOptions = {}): Reporter {
  const { columns, status, summary } = resolveDotReporterOptions(options);
  // The counts are the default reporter's own, so both end a run with the same lines.
  const counts = consoleReporter({ summary });
  let output: ReportOutput | undefined;
  let line: Array<CaseResult["status"]> = [];
  const flush = (to: ReportOutput): void => {
    if (line.length === 0) return;
    // One style per run of marks that share it, rather than one per mark: a line of passes is one green span.
    const runs: Array<{ style: ReportStyle; marks: string }> = [];
    for (const status of line) {
      const { mark, style } = MARKS[status];
      const last = runs.at(-1);
      if (last?.style === style) last.marks += mark;
      else runs.push({ style, marks: mark });
    }
    to.print(runs.map((run) => to.paint(run.style, run.marks)).join(""));
    line = [];
  };
  return {
    name: "dot",
    onRunStart(context) {
      output = printedOutput(context.output);
    },
    onResult(result) {
      line.push(result.status);
      if (output !== undefined && line.length >= columns) flush(output);
      else status?.(line.map((s) => MARKS[s].mark).join(""));
    },
    async onRunEnd(runSummary, context) {
      const out = printedOutput(context.output);
      flush(out);
      const notPassed = context.results.filter((result) => result.status !== "pass");
      if (notPassed.length > 0) out.print();
      const notRun = notRunGroups();
      for (const result of notPassed)
        for (const printed of result.notRun ? notRun.lines(out, result) : caseResultLines(out, result)) out.print(printed);
      await counts.onRunEnd?.(runSummary, context);
    },
  };
}
