// The output the terminal reporters fall back to when their session was given none: the process's standard output.
import { SILENT_OUTPUT, type ReportOutput } from "./reporter.js";

/** Lines to stdout, without colour: what a library caller sees from the terminal reporters without an output of theirs. */
const STANDARD_OUTPUT: ReportOutput = {
  print: (line = "") => void process.stdout.write(`${line}\n`),
  paint: (_style, text) => text,
};

/**
 * The output a terminal reporter prints on: the session's, or stdout when the session has none (its default, the
 * silent output). The reporters that write files keep printing nothing there.
 * @example
 * const output = printedOutput(context.output);
 */
export function printedOutput(output: ReportOutput): ReportOutput {
  return output === SILENT_OUTPUT ? STANDARD_OUTPUT : output;
}
