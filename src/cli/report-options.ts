// The report flags of `cxda test` (--trace, --otel, --profile, --coverage and its thresholds, --html, --reports-dir),
// turned into the reporters of src/report/ that the run goes through.
import { join, resolve } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../core/errors.js";
import type { CoverageMetricName } from "../coverage/coverage-summary.js";
import type { ResolvedCoverageThresholds } from "../coverage/coverage-thresholds.js";
import type { Reporter, ReportOutput } from "../report/reporter.js";
import { DEFAULT_REPORTS_DIR } from "../config/defaults.js";
import { REPORTER_FILES } from "../config/cxda-config.js";
import { paint, type Terminal } from "./terminal.js";

/** The parsed report flags. */
export interface ReportFlags {
  /** `--trace [detail]`: `true` or `steps` for steps only, `payloads` to add each case's trigger and output. */
  trace?: boolean | string;
  otel?: boolean;
  profile?: boolean;
  "profile.interval"?: number;
  coverage?: boolean;
  "coverage.branches"?: number;
  "coverage.lines"?: number;
  "coverage.functions"?: number;
  "coverage.statements"?: number;
  html?: boolean;
  /** Where the HTML report goes instead of `<reports-dir>/report.html`; implies `html`. */
  htmlFile?: string;
  reportsDir?: string;
}

/** What a run should produce, with every default applied. */
export interface ReportRequest {
  /** Absolute folder of the reports tree. */
  reportsDir: string;
  trace: { payloads: boolean } | undefined;
  otel: boolean;
  profile: { samplingIntervalUs: number } | undefined;
  coverage: { thresholds: ResolvedCoverageThresholds } | undefined;
  /** Absolute path of the HTML report; undefined when none is asked for. */
  html: string | undefined;
}

const METRICS: CoverageMetricName[] = ["branches", "lines", "functions", "statements"];

function percentFlag(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (value.trim() === "" || !Number.isFinite(number) || number < 0 || number > 100)
      throw new CxdaError("E_USAGE", `${flag} must be a percentage from 0 to 100, got "${value}"`);
    return number;
  };
}

/**
 * Adds the report flags to a command.
 * @example
 * addReportOptions(program.command("test")); // cxda test --coverage --coverage.branches 90 --html
 */
export function addReportOptions(command: Command): Command {
  command
    .option("--trace [detail]", "write reports/traces/<action>/<case>.json; --trace payloads adds each trigger and output (secrets redacted)")
    .option("--otel", "write the run's traces as OpenTelemetry OTLP/JSON (reports/traces.otlp.json)")
    .option(
      "--profile",
      "take a V8 CPU profile per action (reports/profiles/<action>.cpuprofile) and print its top functions; runs transforms without Node's permission model (docs/threat-model.md)",
    )
    .addOption(new Option("--profile.interval <us>", "CPU profile sampling interval in microseconds (default 250)").argParser((v) => Number(v)))
    .option(
      "--coverage",
      "measure coverage of the transforms (reports/coverage/: text, html, lcov, json-summary); runs transforms without Node's permission model (docs/threat-model.md)",
    );
  for (const metric of METRICS) {
    command.addOption(
      new Option(`--coverage.${metric} <pct>`, `fail when a file's ${metric} coverage is below this percentage (implies --coverage)`).argParser(
        percentFlag(`--coverage.${metric}`),
      ),
    );
  }
  return command
    .option("--html", "write a self-contained HTML report (reports/report.html)")
    .option("--html-file <file>", "write the HTML report here instead (implies --html)")
    .option("--reports-dir <dir>", "where the reports tree goes", DEFAULT_REPORTS_DIR);
}

/**
 * Turns the flags into a request, applying defaults and checking values. A coverage threshold above 0 implies `--coverage`.
 * @throws CxdaError `E_USAGE` for a bad `--trace` detail, sampling interval or threshold
 * @example
 * resolveReportRequest({ coverage: true, "coverage.branches": 90 }).coverage; // { thresholds: { branches: 90 } }
 */
export async function resolveReportRequest(flags: ReportFlags): Promise<ReportRequest> {
  let trace: ReportRequest["trace"];
  if (flags.trace === true || flags.trace === "steps") trace = { payloads: false };
  else if (flags.trace === "payloads") trace = { payloads: true };
  else if (flags.trace !== undefined && flags.trace !== false)
    throw new CxdaError("E_USAGE", `--trace ${flags.trace}: use --trace (steps only) or --trace payloads`);

  const thresholds: Partial<Record<CoverageMetricName, number>> = {};
  for (const metric of METRICS) {
    const value = flags[`coverage.${metric}`];
    if (value !== undefined) thresholds[metric] = value;
  }
  // A threshold of 0 checks nothing (a config's default), so only a positive one turns coverage on by itself.
  const wantsCoverage = flags.coverage === true || Object.values(thresholds).some((value) => value > 0);
  let coverage: ReportRequest["coverage"];
  if (wantsCoverage) {
    const { resolveCoverageThresholds } = await import("../coverage/coverage-thresholds.js");
    coverage = { thresholds: resolveCoverageThresholds(thresholds) };
  }
  let profile: ReportRequest["profile"];
  if (flags.profile === true || flags["profile.interval"] !== undefined) {
    const { resolveProfileOptions } = await import("../profile/profile-options.js");
    const interval = flags["profile.interval"];
    profile = resolveProfileOptions(interval === undefined ? {} : { samplingIntervalUs: interval });
  }
  const reportsDir = resolve(flags.reportsDir ?? DEFAULT_REPORTS_DIR);
  // A separate flag, not an optional value of --html: `--html actions` would take the folder for the file.
  const html = flags.htmlFile !== undefined ? resolve(flags.htmlFile) : flags.html === true ? join(reportsDir, REPORTER_FILES.html) : undefined;
  return { reportsDir, trace, otel: flags.otel === true, profile, coverage, html };
}

/**
 * The reporters a request asks for, in the order their closing lines print: coverage, profiles, traces, OTLP, then
 * the HTML report (which shows what the others found and links to what they wrote). Each loads its heavy modules
 * only when the run starts, so a plain run pays nothing.
 * @example
 * const reporters = await reportersFor(await resolveReportRequest({ coverage: true, html: true }));
 */
export async function reportersFor(request: ReportRequest): Promise<Reporter[]> {
  const reporters: Reporter[] = [];
  if (request.coverage) {
    const { coverageReporter } = await import("../report/reporters/coverage-reporter.js");
    reporters.push(coverageReporter({ reportsDir: request.reportsDir, thresholds: request.coverage.thresholds }));
  }
  if (request.profile) {
    const { profileReporter } = await import("../report/reporters/profile-reporter.js");
    reporters.push(profileReporter({ reportsDir: request.reportsDir, samplingIntervalUs: request.profile.samplingIntervalUs }));
  }
  if (request.trace) {
    const { traceReporter } = await import("../report/reporters/trace-reporter.js");
    reporters.push(traceReporter({ dir: join(request.reportsDir, "traces"), payloads: request.trace.payloads }));
  }
  if (request.otel) {
    const { otelReporter } = await import("../report/reporters/otel-reporter.js");
    reporters.push(otelReporter({ file: join(request.reportsDir, "traces.otlp.json") }));
  }
  if (request.html !== undefined) {
    const { htmlReporter } = await import("../report/reporters/html-reporter.js");
    reporters.push(htmlReporter({ file: request.html }));
  }
  return reporters;
}

/** The terminal as reporters print to it: `print` is where report lines go (stderr when stdout carries JSON). */
export function terminalOutput(terminal: Terminal, print: (line?: string) => void): ReportOutput {
  return { print, paint: (style, text) => paint(terminal, style, text) };
}
