// `cxda check [paths]`: the config, definitions, case files and transforms checked without running a case.
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Command } from "commander";
import { checkProject, type CheckReport } from "../../check/check-project.js";
import { CxdaError } from "../../core/errors.js";
import type { Finding } from "../../core/types.js";
import { countOf } from "../../internal/count-of.js";
import { EXIT } from "../exit-codes.js";
import { addConfigOption } from "../config-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";

/** The parsed flags of `cxda check`. */
export interface CheckFlags {
  json?: boolean;
  config?: string;
}

/** `file[:line:column] path: message (hint)`: the place first, so terminals and editors make it a link. */
export function findingLine(finding: Finding): string {
  const place = `${finding.file ?? ""}${finding.line === undefined ? "" : `:${finding.line}:${finding.column ?? 1}`}`;
  const path = finding.path === undefined ? "" : ` ${finding.path}`;
  const hint = finding.hint === undefined ? "" : ` (${finding.hint})`;
  return `${place}${path}: ${finding.message}${hint}`;
}

function printReport(report: CheckReport, terminal: Terminal): void {
  for (const group of report.groups) {
    terminal.out(paint(terminal, "bold", group.label));
    for (const finding of group.findings) {
      const mark = finding.severity === "error" ? paint(terminal, "red", "✗") : paint(terminal, "yellow", "!");
      terminal.out(`  ${mark} ${findingLine(finding)}`);
    }
  }
  const { actions, errors, warnings } = report.summary;
  const counts = `${countOf(errors, "error")}, ${countOf(warnings, "warning")} in ${countOf(actions, "action")}`;
  terminal.out(errors > 0 ? paint(terminal, "red", counts) : warnings > 0 ? paint(terminal, "yellow", counts) : paint(terminal, "green", counts));
}

/** Checks and prints; returns the exit code: 0 clean or warnings only, 1 with an error finding. */
export async function runCheckCommand(paths: string[], flags: CheckFlags, terminal: Terminal): Promise<number> {
  if (flags.config !== undefined && !(await stat(resolve(flags.config)).catch(() => undefined))?.isFile()) {
    throw new CxdaError("E_USAGE", `--config ${flags.config}: no such file; pass a config file such as cxda.config.ts`);
  }
  const report = await checkProject({ paths, ...(flags.config === undefined ? {} : { configFile: flags.config }) });
  if (flags.json) terminal.out(JSON.stringify({ findings: report.findings, summary: report.summary }, null, 2));
  else printReport(report, terminal);
  return report.summary.errors > 0 ? EXIT.failures : EXIT.ok;
}

/** Registers `cxda check`. */
export function registerCheckCommand(program: Command, setExit: (code: number) => void): void {
  addConfigOption(
    program
      .command("check")
      .description("check the config, definitions, case files and transforms without running a case: unknown keys and keywords, with a did-you-mean")
      .argument("[paths...]", "action folders or folders of them (default: the config's actions)")
      .option("--json", "print { findings: [{ severity, code, file, path?, line?, column?, message, hint? }], summary }"),
  )
    .addHelpText(
      "after",
      '\nExit codes: 0 clean (warnings allowed), 1 an error found, 2 usage.\nWith strict: "warn" in the config, unknown names in definitions are warnings.\n\nExamples:\n  cxda check\n  cxda check actions/billing-callback --json',
    )
    .action(async (paths: string[], flags: CheckFlags) => setExit(await runCheckCommand(paths, flags, processTerminal())));
}
