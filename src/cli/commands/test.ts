// `cxda test [paths...]`: runs every case of the given actions and prints one line per case and a summary.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import type { CaseResult, RunSummary } from "../../core/types.js";
import { redactResult } from "../../secrets/redact.js";
import { runCases, type RunCasesOptions } from "../../runner/run-cases.js";
import { EXIT, isPlatformCode } from "../exit-codes.js";
import { caseLines } from "../report-case.js";
import { addReportOptions, resolveReportRequest, startReporting, wantsReports, type ReportFlags } from "../report-options.js";
import { caseSelector, parseShard, type Shard } from "../select-cases.js";
import { addRunOptions, collect, integerFlag, runOptionsFrom, type RunFlags } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import { addConfigOption, explicitFlags, loadCommandOptions, type CommandOptions } from "../config-options.js";
import { REPORTER_FILES } from "../../config/cxda-config.js";
import { MAX_GENERATED } from "../../payloads/generate-limits.js";
import { runnerOptions } from "../shared-options.js";

/** Reporters `--reporter` accepts. */
const REPORTERS = ["default", "json", "junit"] as const;
type ReporterName = (typeof REPORTERS)[number];

/** Where a file reporter writes when `--output-file` does not say. */
const DEFAULT_OUTPUT: Record<Exclude<ReporterName, "default">, string> = { json: "reports/run.json", junit: "reports/junit.xml" };

export interface TestFlags extends RunFlags, ReportFlags {
  json?: boolean;
  reporter?: string[];
  outputFile?: string[];
  filter?: string;
  shard?: Shard;
  bail?: number;
  parity?: boolean;
  watch?: boolean;
  generate?: number;
  seed: string;
  invalid?: boolean;
  saveFailures?: string;
}

/** Resolves `--reporter` and `--output-file` (`junit=path`, or a bare path when one file reporter is chosen). */
export function resolveReporters(flags: Pick<TestFlags, "reporter" | "outputFile">): {
  console: boolean;
  files: Array<{ reporter: Exclude<ReporterName, "default">; file: string }>;
} {
  const names = (flags.reporter ?? [])
    .flatMap((r) => r.split(","))
    .map((r) => r.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(REPORTERS as readonly string[]).includes(name))
      throw new CxdaError("E_USAGE", `--reporter ${name}: unknown reporter; use ${REPORTERS.join(", ")}`);
  }
  const chosen = (names.length === 0 ? ["default"] : names) as ReporterName[];
  const fileReporters = [...new Set(chosen.filter((n): n is Exclude<ReporterName, "default"> => n !== "default"))];
  const outputs = new Map<string, string>();
  for (const entry of flags.outputFile ?? []) {
    const pair = /^(\w+)=(.+)$/.exec(entry);
    if (pair && (REPORTERS as readonly string[]).includes(pair[1]!)) outputs.set(pair[1]!, pair[2]!);
    else if (fileReporters.length === 1) outputs.set(fileReporters[0]!, entry);
    else throw new CxdaError("E_USAGE", `--output-file ${entry}: with several file reporters, write reporter=path (like junit=reports/junit.xml)`);
  }
  return {
    console: chosen.includes("default"),
    files: fileReporters.map((reporter) => ({ reporter, file: outputs.get(reporter) ?? DEFAULT_OUTPUT[reporter] })),
  };
}

async function writeReport(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

/** Runs the cases and reports them; returns the exit code. */
export async function runTestCommand(paths: string[], flags: TestFlags, terminal: Terminal, extra: Partial<RunCasesOptions> = {}): Promise<number> {
  const started = performance.now();
  const reporters = resolveReporters(flags);
  const printLines = reporters.console && !flags.json;
  const select = caseSelector({ ...(flags.filter !== undefined ? { filter: flags.filter } : {}), ...(flags.shard ? { shard: flags.shard } : {}) });
  // The platform for parity: the config's auth with --api-url/--token-url over it (merged into extra.definitions).
  const platform = extra.definitions?.platform ?? {
    ...(flags.apiUrl !== undefined ? { apiUrl: flags.apiUrl } : {}),
    ...(flags.tokenUrl !== undefined ? { tokenUrl: flags.tokenUrl } : {}),
  };
  // Modules only some runs need (the platform client, the generator, JUnit) load only for those runs: a plain run
  // starts faster without them.
  const parity = flags.parity ? { client: (await import("../../client/api-client.js")).createApiClient(platform) } : undefined;
  const payloads = flags.saveFailures !== undefined ? new Map<string, unknown>() : undefined;
  const generation = flags.generate !== undefined || flags.invalid ? await import("../generated-cases.js") : undefined;
  const generate = generation
    ? { extraCases: generation.generatedCases({ count: flags.generate ?? 0, seed: flags.seed, invalid: flags.invalid === true }, payloads) }
    : {};
  const saved: string[] = [];
  // Traces, OpenTelemetry, profiles, coverage and the HTML report (src/cli/report-options.ts); on stderr with --json.
  const request = await resolveReportRequest(flags);
  const reporting = await startReporting(request, terminal, flags.json ? terminal.err : terminal.out, extra.bus);
  // Whole results are kept only when something will read them all (a file reporter, --json, reports); otherwise only
  // the failures are, so a long generated run does not grow with every passing case.
  const keepAll = flags.json === true || reporters.files.length > 0 || wantsReports(request);
  const results: CaseResult[] = [];
  const counts = { total: 0, passed: 0, errors: 0, caseMs: 0 };
  let failed = 0;
  let bailed = false;
  let lastStatus = 0;
  // Nothing reads a passing case's output or logs then: the workers need not send them.
  const passDetail = keepAll ? "full" : "summary";
  for await (const result of runCases({
    actions: paths.length > 0 ? paths : ["actions"],
    ...runOptionsFrom(flags),
    ...(select ? { select } : {}),
    ...(parity ? { parity } : {}),
    ...generate,
    ...reporting.runOptions,
    passDetail,
    ...extra,
  })) {
    counts.total++;
    counts.caseMs += result.durationMs;
    if (result.status === "pass") counts.passed++;
    if (result.status === "error") counts.errors++;
    if (keepAll || result.status !== "pass") results.push(result);
    await reporting.onResult(result);
    if (printLines) for (const line of caseLines(terminal, result)) terminal.out(line);
    if (result.status !== "pass") failed++;
    const payload = result.status !== "pass" ? (result.trigger ?? payloads?.get(`${result.action}\u0000${result.case}`)) : undefined;
    if (payload !== undefined && flags.saveFailures !== undefined && generation)
      saved.push(await generation.saveGeneratedFailure(flags.saveFailures, result, payload));
    const now = performance.now();
    // A progress line only on a terminal, only for runs long enough to wonder about, redrawn at most 10 times a second.
    if (terminal.status && now - started > 1000 && now - lastStatus > 100) {
      lastStatus = now;
      const rate = Math.round(counts.total / ((now - started) / 1000));
      terminal.status(paint(terminal, "dim", `running… ${counts.total} done, ${failed} failed, ${rate} cases/s`));
    }
    if (flags.bail !== undefined && failed >= flags.bail) {
      bailed = true;
      break;
    }
  }
  terminal.status?.("");
  const summary: RunSummary = {
    total: counts.total,
    passed: counts.passed,
    failed: counts.total - counts.passed,
    errors: counts.errors,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
  // Whatever leaves the process (files, --json) has secret-looking fields hidden, like the terminal lines.
  let shown: CaseResult[] = results;
  if (reporters.files.length > 0 || flags.json) shown = results.map(redactResult);
  for (const { reporter, file } of reporters.files) {
    await writeReport(
      file,
      reporter === "junit"
        ? (await import("../../report/junit-xml.js")).toJunitXml(shown)
        : `${JSON.stringify({ summary, results: shown }, null, 2)}\n`,
    );
  }
  const reportsExit = await reporting.finish(results, summary);
  if (flags.json) {
    terminal.out(JSON.stringify({ summary, results: shown }, null, 2));
  } else {
    if (printLines) terminal.out();
    if (bailed) terminal.out(paint(terminal, "yellow", `stopped after ${failed} failed case${failed === 1 ? "" : "s"} (--bail)`));
    if (summary.total === 0)
      terminal.out(paint(terminal, "yellow", flags.filter !== undefined || flags.shard ? "no case matched the filter or shard" : "no cases found"));
    if (summary.errors > 0) terminal.out(paint(terminal, "red", `${summary.errors} of the failed cases ended in an error`));
    for (const { file } of reporters.files) terminal.out(paint(terminal, "dim", `wrote ${file}`));
    for (const file of saved) terminal.out(`saved failing generated case: ${file}`);
    terminal.out(paint(terminal, "dim", `${summary.total} cases in ${Math.round(summary.durationMs)} ms`));
    terminal.out(`${summary.passed} passed, ${summary.failed} failed`);
  }
  // A platform that refused parity calls (auth, scope, network) is a platform error, not a failing case: exit 3.
  if (flags.parity && results.some((r) => r.error !== undefined && r.error.message.startsWith("parity:") && isPlatformCode(r.error.code)))
    return EXIT.platform;
  return summary.failed > 0 || reportsExit !== 0 ? EXIT.failures : EXIT.ok;
}

/** Adds the options of `cxda test` (beyond the shared run options). */
export function addTestOptions(command: Command): Command {
  return addReportOptions(addRunOptions(command))
    .option("--json", "print one JSON object { summary, results } on stdout")
    .option("--reporter <name>", `reporter: ${REPORTERS.join(", ")} or html (repeatable, or comma-separated)`, collect, [])
    .option("--output-file <[reporter=]path>", "where a file reporter writes (json: reports/run.json, junit: reports/junit.xml)", collect, [])
    .option("--filter <pattern>", 'run only cases whose "action › case" title contains this text, or matches /regex/')
    .addOption(new Option("--shard <i/n>", "run the i-th of n deterministic slices of the cases").argParser(parseShard))
    .addOption(new Option("--bail [n]", "stop after n failed cases").preset(1).argParser(integerFlag("--bail")))
    .option("--parity", "also run each case on the platform's execute endpoint and fail it when the outputs differ")
    .option("--watch", "rerun an action when its transform, definition, trigger or cases change")
    .addOption(
      new Option(
        "--generate <n>",
        `add n schema-generated valid triggers per action (expect: valid output, no throw), at most ${MAX_GENERATED}`,
      ).argParser(integerFlag("--generate", 0, MAX_GENERATED)),
    )
    .option("--seed <seed>", "seed for --generate and --invalid (the same seed replays the same triggers)", "cxda")
    .option("--invalid", "add generated triggers that each break one input rule (expect: input validation rejects them)")
    .option("--save-failures <dir>", "write failing generated cases as case files under <dir>/<action>/cases/");
}

/**
 * Lets `cxda.config.*` fill what the command line left unsaid: reporters (an `html` reporter turns on the HTML
 * report), coverage and its thresholds, the reports folder. Flags given on the command line always win.
 */
export function applyConfigToTestFlags(flags: TestFlags, explicit: Partial<TestFlags>, options: CommandOptions): TestFlags {
  const merged: TestFlags = { ...flags };
  const files = options.reporters.filter((r) => r.name !== "default" && r.name !== "html");
  // With only an html reporter configured the terminal keeps its per-case lines: resolveReporters reads [] as default.
  merged.reporter = options.reporters.filter((r) => r.name !== "html").map((r) => r.name);
  // --reports-dir moves the whole reports tree, file reporters' default files included (regression: they stayed in
  // reports/); a file the config or --output-file named stays where it was put.
  const moveDefault = (name: string, file: string): string => {
    const fileName = REPORTER_FILES[name as keyof typeof REPORTER_FILES];
    return explicit.reportsDir !== undefined && fileName !== undefined && file === join(options.reportsDir, fileName)
      ? join(explicit.reportsDir, fileName)
      : file;
  };
  merged.outputFile = files.flatMap((r) => (r.outputFile === undefined ? [] : [`${r.name}=${moveDefault(r.name, r.outputFile)}`]));
  // An html reporter's file is where the report goes (regression: it always went to <reports-dir>/report.html).
  const html = options.reporters.find((r) => r.name === "html");
  if (html !== undefined) {
    merged.html = true;
    if (explicit.htmlFile === undefined && html.outputFile !== undefined) merged.htmlFile = moveDefault("html", html.outputFile);
  }
  if (explicit.coverage === undefined && options.coverage.enabled) merged.coverage = true;
  for (const metric of ["branches", "lines", "functions", "statements"] as const) {
    const key = `coverage.${metric}` as const;
    const configured = options.coverage.thresholds[metric];
    if (explicit[key] === undefined && configured !== undefined && configured > 0) merged[key] = configured;
  }
  if (explicit.reportsDir === undefined) merged.reportsDir = options.reportsDir;
  return merged;
}

/** Registers `cxda test`. */
export function registerTestCommand(program: Command, setExit: (code: number) => void): void {
  const command = program
    .command("test")
    .description("run every case of the given action folders (default: ./actions, or the config's actions)")
    .argument("[paths...]", "action folders, or folders of them");
  addConfigOption(addTestOptions(command))
    .addHelpText(
      "after",
      "\nExamples:\n  cxda test examples/billing-callback\n  cxda test actions --var region=eu --json > run.json\n  cxda test --reporter default --reporter junit --output-file junit=reports/junit.xml\n  cxda test --shard 1/3 --filter premium\n  cxda test examples/billing-callback --generate 200 --seed 7 --invalid\n  CXONE_CLIENT_ID=… CXONE_CLIENT_SECRET=… cxda test actions --parity",
    )
    .action(async (paths: string[], given: TestFlags, self: Command) => {
      const terminal = processTerminal();
      const options = await loadCommandOptions(self, { paths });
      const flags = applyConfigToTestFlags(given, explicitFlags<TestFlags>(self), options);
      const run = runnerOptions(options, flags);
      if (!flags.watch) return setExit(await runTestCommand(run.actions, flags, terminal, run));
      const stop = new AbortController();
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
      const { watchActions } = await import("../watch.js");
      await watchActions({
        paths: run.actions,
        terminal,
        signal: stop.signal,
        run: (dirs) => runTestCommand(dirs, flags, terminal, { ...run, actions: dirs }),
      });
      setExit(EXIT.ok);
    });
}
