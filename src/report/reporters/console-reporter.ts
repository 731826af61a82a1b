// The default reporter: one line per case on the output as results arrive, and the counts at the end.
import type { Reporter, ReportOutput } from "../reporter.js";
import { caseResultLines } from "../case-lines.js";
import { notRunGroups } from "../not-run-lines.js";
import { printedOutput } from "../standard-output.js";
import { countOf } from "../../internal/count-of.js";
import type { CaseResult } from "../../core/types.js";
import { escapeControls as shown } from "../../internal/control-characters.js";

/** Options of {@link consoleReporter}. */
export interface ConsoleReporterOptions {
  /**
   * Print the counts at the end (`14 cases in 120 ms`, `13 passed, 1 failed`). The CLI prints its own closing lines.
   * @default true
   */
  summary?: boolean;
}

/**
 * The terminal's reporter (`--reporter default`): each case on a line as it ends, with the reasons under a case that
 * did not pass, on the session's output, or on stdout (without colour) when the session was given none.
 * @example
 * await runWithReporters({ actions: ["actions"] }, [consoleReporter()]); // prints to stdout
 * await runWithReporters({ actions: ["actions"] }, [consoleReporter()], { output: { print: log, paint: (_s, t) => t } });
 */
export function consoleReporter(options: ConsoleReporterOptions = {}): Reporter {
  let output: ReportOutput | undefined;
  const notRun = notRunGroups();
  const warned = new Set<string>();
  return {
    name: "default",
    onRunStart(context) {
      output = printedOutput(context.output);
    },
    onResult(result) {
      if (output === undefined) return;
      if (!warned.has(result.action)) {
        warned.add(result.action);
        for (const line of definitionWarnings(output, result)) output.print(line);
      }
      for (const line of result.notRun ? notRun.lines(output, result) : caseResultLines(output, result)) output.print(line);
    },
    onRunEnd(summary, context) {
      if (options.summary === false) return;
      const out = printedOutput(context.output);
      out.print();
      out.print(out.paint("dim", `${countOf(summary.total, "case")} in ${Math.round(summary.durationMs)} ms`));
      out.print(`${summary.passed} passed, ${summary.failed} failed`);
    },
  };
}

/** The warnings of the action's definition load (a lenient `strict: "warn"` load, a refetched cache copy), once per action. */
function definitionWarnings(output: ReportOutput, result: CaseResult): string[] {
  const step = result.trace.steps.find((s) => s.step === "load-definition");
  const warnings = step?.detail?.warnings;
  if (!Array.isArray(warnings) || warnings.length === 0) return [];
  return [
    output.paint("yellow", `⚠ ${shown(result.action)}: ${countOf(warnings.length, "warning")} in its definition`),
    ...warnings.map((warning) => output.paint("yellow", `    ${shown(String(warning))}`)),
  ];
}
