// `cxda lint [paths]`: every template of each Genesys declarative action rendered with generated and tricky inputs, and what breaks.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { MAX_TIMEOUT_MS } from "../../config/run-limits.js";
import { CxdaError } from "../../core/errors.js";
import { countOf } from "../../internal/count-of.js";
import { DEFAULT_LINT_TIMEOUT_MS, lintProject } from "../../lint/lint-project.js";
import type { LintExample, LintFinding, LintReport } from "../../lint/lint-types.js";
import { EXIT } from "../exit-codes.js";
import { addConfigOption } from "../config-options.js";
import { integerFlag } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import { findingLine } from "./check.js";

/** The parsed flags of `cxda lint`. */
export interface LintFlags {
  json?: boolean;
  config?: string;
  timeout: number;
  seed?: string;
}

/** The longest a value of an example input is shown in the terminal (a 5000-character tricky string is not read). */
const SHOWN_VALUE = 60;

/** An example input as one short line: long strings cut, the whole still JSON-like. */
function shownInput(input: Record<string, unknown>): string {
  const text = JSON.stringify(input, (_, value: unknown) =>
    typeof value === "string" && value.length > SHOWN_VALUE ? `${value.slice(0, SHOWN_VALUE)}… (${value.length} characters)` : value,
  );
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function exampleLine(count: number, example: LintExample | undefined): string | undefined {
  if (example === undefined) return count > 1 ? `seen in ${countOf(count, "render")}` : undefined;
  const seen = count > 1 ? `seen in ${countOf(count, "render")}; ` : "";
  return `${seen}e.g. ${example.variant}: ${shownInput(example.input)}`;
}

/** The finding's line, with the place inside the template after its JSON path. */
function lintFindingLine(finding: LintFinding): string {
  const inTemplate = finding.templateLine === undefined ? "" : ` (template ${finding.templateLine}:${finding.templateColumn ?? 1})`;
  return findingLine({ ...finding, ...(finding.path === undefined ? {} : { path: `${finding.path}${inTemplate}` }) });
}

function printReport(report: LintReport, terminal: Terminal): void {
  for (const action of report.actions) {
    if (action.findings.length === 0) continue;
    const name = action.name === undefined || action.label.includes(action.name) ? "" : ` (${action.name})`;
    terminal.out(paint(terminal, "bold", `${action.label}${name}`));
    for (const finding of action.findings) {
      const mark = finding.severity === "error" ? paint(terminal, "red", "✗") : paint(terminal, "yellow", "!");
      terminal.out(`  ${mark} ${finding.severity} ${finding.code}: ${lintFindingLine(finding)}`);
      const example = exampleLine(finding.count, finding.example);
      if (example !== undefined) terminal.out(paint(terminal, "dim", `      ${example}`));
    }
  }
  const { actions, linted, renders, errors, warnings } = report.summary;
  const skipped = actions - linted;
  const counts =
    `${countOf(errors, "error")}, ${countOf(warnings, "warning")} in ${countOf(linted, "action")} (${countOf(renders, "render")})` +
    (skipped > 0 ? `; ${countOf(skipped, "action")} without templates skipped` : "");
  terminal.out(errors > 0 ? paint(terminal, "red", counts) : warnings > 0 ? paint(terminal, "yellow", counts) : paint(terminal, "green", counts));
}

/** Lints and prints; returns the exit code: 0 clean or warnings only, 1 with an error finding. */
export async function runLintCommand(paths: string[], flags: LintFlags, terminal: Terminal): Promise<number> {
  if (flags.config !== undefined && !(await stat(resolve(flags.config)).catch(() => undefined))?.isFile()) {
    throw new CxdaError("E_USAGE", `--config ${flags.config}: no such file; pass a config file such as cxda.config.ts`);
  }
  const report = await lintProject({
    paths,
    timeoutMs: flags.timeout,
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.config === undefined ? {} : { configFile: flags.config }),
    ...(terminal.status === undefined ? {} : { onAction: (done: number, total: number) => terminal.status?.(`linting ${done}/${total}…`) }),
  });
  terminal.status?.("");
  if (flags.json) terminal.out(JSON.stringify(report, null, 2));
  else printReport(report, terminal);
  return report.summary.errors > 0 ? EXIT.failures : EXIT.ok;
}

/** Registers `cxda lint`. */
export function registerLintCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command("lint")
      .description(
        "render every template of each Genesys declarative action with generated, boundary and tricky inputs: unresolved references, bodies that are not JSON, invalid URLs, translation-map paths that cannot match",
      )
      .argument("[paths...]", "action folders, folders of them, Genesys export files (.json) or folders of exports (default: the config's actions)")
      .option("--json", "print { actions: [{ label, file, renders, findings }], findings, summary }")
      .addOption(
        new Option("--timeout <ms>", `time limit per action in milliseconds (a template's regular expression may hang), at most ${MAX_TIMEOUT_MS}`)
          .default(DEFAULT_LINT_TIMEOUT_MS)
          .argParser(integerFlag("--timeout", 1, MAX_TIMEOUT_MS)),
      )
      .option("--seed <seed>", "seed of the generated inputs (the same seed renders the same inputs)"),
  )
    .addHelpText(
      "after",
      "\nExit codes: 0 clean (warnings allowed), 1 an error found, 2 usage or config error.\n\nExamples:\n  cxda lint\n  cxda lint ../shared/corpus/genesys\n  cxda lint exports/Create-Callback.json --json",
    )
    .action(async (paths: string[], flags: LintFlags) => setExit(await runLintCommand(paths, flags, processTerminal())));
}
