// `cxda test [paths...]`: runs every case of the given actions and prints one line per case and a summary.
import type { Command } from "commander";
import type { CaseResult } from "../../core/types.js";
import { runCases, summarise } from "../../runner/run-cases.js";
import { EXIT } from "../exit-codes.js";
import { caseLines } from "../report-case.js";
import { addRunOptions, runOptionsFrom, type RunFlags } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

interface TestFlags extends RunFlags {
  json?: boolean;
}

/** Runs the cases and reports them; returns the exit code. */
export async function runTestCommand(paths: string[], flags: TestFlags, terminal: Terminal): Promise<number> {
  const started = performance.now();
  const results: CaseResult[] = [];
  for await (const result of runCases({ actions: paths.length > 0 ? paths : ["actions"], ...runOptionsFrom(flags) })) {
    results.push(result);
    if (!flags.json) for (const line of caseLines(terminal, result)) terminal.out(line);
  }
  const summary = summarise(results, performance.now() - started);
  if (flags.json) {
    terminal.out(JSON.stringify({ summary, results }, null, 2));
  } else {
    terminal.out();
    if (summary.errors > 0) terminal.out(paint(terminal, "red", `${summary.errors} of the failed cases ended in an error`));
    terminal.out(paint(terminal, "dim", `${summary.total} cases in ${Math.round(summary.durationMs)} ms`));
    terminal.out(`${summary.passed} passed, ${summary.failed} failed`);
  }
  return summary.failed > 0 ? EXIT.failures : EXIT.ok;
}

/** Registers `cxda test`. */
export function registerTestCommand(program: Command, setExit: (code: number) => void): void {
  addRunOptions(
    program
      .command("test")
      .description("run every case of the given action folders (default: ./actions)")
      .argument("[paths...]", "action folders, or folders of them")
      .option("--json", "print one JSON object { summary, results }"),
  )
    .addHelpText("after", "\nExamples:\n  cxda test examples/billing-callback\n  cxda test actions --var region=eu --json > run.json")
    .action(async (paths: string[], flags: TestFlags) => setExit(await runTestCommand(paths, flags, processTerminal())));
}
