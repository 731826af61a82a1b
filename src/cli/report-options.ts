// The report flags of `cxda test` (--trace, --otel, --profile, --coverage and its thresholds, --html, --reports-dir)
// and the reporting around a run: what to ask runCases for, what to write as results arrive and at the end.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../core/errors.js";
import type { CaseResult, RunSummary } from "../core/types.js";
import { createEventBus, type EventBus } from "../bus/event-bus.js";
import type { CoverageMetricName } from "../coverage/coverage-summary.js";
import type { ResolvedCoverageThresholds } from "../coverage/coverage-thresholds.js";
import type { HtmlReportCoverage, HtmlReportProfile } from "../report/html-report.js";
import type { ActionInstrumentation, RunCasesOptions } from "../runner/run-cases.js";
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
    .option("--reports-dir <dir>", "where the reports tree goes", "reports");
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
  const reportsDir = resolve(flags.reportsDir ?? "reports");
  // A separate flag, not an optional value of --html: `--html actions` would take the folder for the file.
  const html = flags.htmlFile !== undefined ? resolve(flags.htmlFile) : flags.html === true ? join(reportsDir, "report.html") : undefined;
  return { reportsDir, trace, otel: flags.otel === true, profile, coverage, html };
}

/** True when the request asks for anything at all. */
export function wantsReports(request: ReportRequest): boolean {
  return request.trace !== undefined || request.otel || request.profile !== undefined || request.coverage !== undefined || request.html !== undefined;
}

/** The reporting around one run. */
export interface RunReporting {
  /** Options to pass to runCases: what to measure, where measurements go, the bus that records triggers. */
  runOptions: Pick<RunCasesOptions, "instrument" | "onInstrumentation" | "bus">;
  /** Call with each result as it arrives (writes its trace file when asked). */
  onResult(result: CaseResult): Promise<void>;
  /** Writes everything else and prints where; resolves with 1 when a coverage threshold is not met, else 0. */
  finish(results: readonly CaseResult[], summary: RunSummary): Promise<number>;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : rel;
}

/**
 * Prepares the reporting a request asks for. Modules for coverage, profiles, traces and the HTML report are loaded
 * only when asked for, so a plain run pays nothing.
 * @param print where report lines go (stderr when stdout carries JSON)
 * @param bus a bus the run already uses; otherwise one is made when triggers must be recorded
 * @example
 * const reporting = await startReporting(await resolveReportRequest(flags), terminal, terminal.out);
 * for await (const r of runCases({ actions, ...reporting.runOptions })) await reporting.onResult(r);
 * const code = await reporting.finish(results, summary);
 */
export async function startReporting(
  request: ReportRequest,
  terminal: Terminal,
  print: (line?: string) => void,
  bus?: EventBus,
): Promise<RunReporting> {
  const needTriggers = request.html !== undefined || request.trace?.payloads === true;
  const runBus = needTriggers ? (bus ?? createEventBus()) : bus;
  const triggers = needTriggers && runBus ? (await import("../trace/trigger-recorder.js")).recordTriggers(runBus) : undefined;
  const traceWriter = request.trace
    ? (await import("../trace/trace-file.js")).createTraceWriter({ dir: join(request.reportsDir, "traces"), payloads: request.trace.payloads })
    : undefined;
  const coverage = request.coverage ? (await import("../coverage/coverage-collector.js")).createCoverageCollector() : undefined;
  const profiles = request.profile ? (await import("../profile/profile-collector.js")).createProfileCollector() : undefined;
  const seenTriggers = new Map<CaseResult, unknown>();

  const runOptions: RunReporting["runOptions"] = {};
  if (runBus !== undefined) runOptions.bus = runBus;
  if (coverage !== undefined || profiles !== undefined) {
    runOptions.instrument = { ...(coverage ? { coverage: true } : {}), ...(request.profile ? { profile: request.profile } : {}) };
    runOptions.onInstrumentation = (data: ActionInstrumentation) => {
      if (data.problem !== undefined) print(paint(terminal, "yellow", `${data.action}: ${data.problem}`));
      coverage?.add(data);
      profiles?.add(data);
    };
  }

  return {
    runOptions,
    async onResult(result) {
      const trigger = triggers?.take(result);
      if (request.html !== undefined && trigger !== undefined) seenTriggers.set(result, trigger);
      await traceWriter?.write(result, trigger);
    },
    async finish(results, summary) {
      triggers?.stop();
      let exitCode = 0;
      const links: Array<{ label: string; href: string }> = [];
      // Links in the HTML report are relative to where it is written.
      const reportFile = request.html ?? join(request.reportsDir, "report.html");
      const href = (path: string): string => relative(dirname(reportFile), path).split("\\").join("/");

      let coverageData: HtmlReportCoverage | undefined;
      if (coverage !== undefined) {
        const { writeCoverageReports } = await import("../coverage/coverage-reports.js");
        const { checkCoverageThresholds } = await import("../coverage/coverage-thresholds.js");
        const { describeUncoveredBranch } = await import("../coverage/coverage-summary.js");
        const dir = join(request.reportsDir, "coverage");
        const written = await writeCoverageReports(await coverage.toCoverage(), { dir });
        print();
        print(paint(terminal, "bold", `Coverage of the transforms (${shown(dir)}/: index.html, lcov.info, coverage-summary.json)`));
        if (written.files.length === 0) print(paint(terminal, "yellow", "  no transform code ran, so there is no coverage to show"));
        else for (const line of written.text.trimEnd().split("\n")) print(line);
        for (const file of written.files) {
          if (file.uncoveredBranches.length === 0) continue;
          print(`${file.name}: ${file.branches.total - file.branches.covered} of ${file.branches.total} branches never ran`);
          for (const branch of file.uncoveredBranches) print(paint(terminal, "dim", `  ${describeUncoveredBranch(branch)}`));
        }
        const shortfalls = checkCoverageThresholds(written.files, request.coverage!.thresholds);
        for (const shortfall of shortfalls) print(paint(terminal, "red", `✗ coverage threshold not met: ${shortfall.message}`));
        if (shortfalls.length > 0) exitCode = 1;
        coverageData = { total: written.total, files: written.files, shortfalls, ...(written.written.html ? { href: href(dir) } : {}) };
      }

      let profileData: HtmlReportProfile[] | undefined;
      if (profiles !== undefined) {
        const { writeProfiles } = await import("../profile/profile-collector.js");
        const { formatTopFunctions } = await import("../profile/top-functions.js");
        const all = await profiles.toProfiles();
        const files = await writeProfiles(all, join(request.reportsDir, "profiles"));
        profileData = [];
        for (const profile of all) {
          const file = files.find((f) => f.action === profile.action)?.file;
          print();
          print(
            paint(
              terminal,
              "bold",
              `Profile of ${profile.action}: ${profile.sampledMs} ms sampled in ${profile.batches} batch${profile.batches === 1 ? "" : "es"}${file ? ` (${shown(file)})` : ""}`,
            ),
          );
          if (profile.top.self.length === 0)
            print(paint(terminal, "dim", "  no sample landed in the transform's own code (it ran too briefly for the sampling interval)"));
          else {
            for (const line of formatTopFunctions(profile.top.self)) print(`  ${line}`);
            print(
              paint(
                terminal,
                "dim",
                `  the transform's own code took ${profile.transform.ms} ms (${profile.transform.pct}%); the rest is cxda's harness (loading, validation, comparison) and V8`,
              ),
            );
          }
          profileData.push({
            action: profile.action,
            sampledMs: profile.sampledMs,
            batches: profile.batches,
            transform: profile.transform,
            top: profile.top.self,
            ...(file ? { href: href(file) } : {}),
          });
        }
      }

      const wrote: string[] = [];
      if (traceWriter !== undefined) {
        const dir = join(request.reportsDir, "traces");
        wrote.push(`wrote ${traceWriter.files.length} trace${traceWriter.files.length === 1 ? "" : "s"} to ${shown(dir)}/`);
        links.push({ label: "Traces", href: href(dir) });
      }
      if (request.otel) {
        const { toOtlpTraces } = await import("../trace/otel-traces.js");
        const file = join(request.reportsDir, "traces.otlp.json");
        await mkdir(dirname(file), { recursive: true });
        await writeFile(file, `${JSON.stringify(toOtlpTraces(results))}\n`);
        wrote.push(`wrote ${shown(file)} (OpenTelemetry OTLP/JSON, one trace per case)`);
        links.push({ label: "OTLP traces", href: href(file) });
      }
      if (request.html !== undefined) {
        const { writeHtmlReport } = await import("../report/html-report.js");
        const file = await writeHtmlReport(reportFile, {
          summary,
          cases: results.map((result) => (seenTriggers.has(result) ? { result, trigger: seenTriggers.get(result) } : { result })),
          ...(profileData ? { profiles: profileData } : {}),
          ...(coverageData ? { coverage: coverageData } : {}),
          links,
        });
        wrote.push(`wrote ${shown(file)}: open it in a browser`);
      }
      if (wrote.length > 0) print();
      for (const line of wrote) print(paint(terminal, "dim", line));
      return exitCode;
    },
  };
}
