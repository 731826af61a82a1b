// `cxda test [paths...]`: runs every case of the given actions and prints one line per case and a summary.
import { join } from "node:path";
import { Option, type Command } from "commander";
import { CxdaError } from "../../core/errors.js";
import type { CaseResult, RunSummary } from "../../core/types.js";
import type { SnapshotReport, SnapshotUpdater } from "../../cases/update-snapshots.js";
import type { Reporter } from "../../report/reporter.js";
import { startReportSession } from "../../report/report-session.js";
import { consoleReporter } from "../../report/reporters/console-reporter.js";
import { jsonReporter } from "../../report/reporters/json-reporter.js";
import { runCases, type RunCasesOptions } from "../../runner/run-cases.js";
import { EXIT, isPlatformCode } from "../exit-codes.js";
import { addReportOptions, reportersFor, resolveReportRequest, terminalOutput, type ReportFlags, type ReportRequest } from "../report-options.js";
import { caseSelector, parseShard, type Shard } from "../select-cases.js";
import { addRunOptions, collect, integerFlag, runOptionsFrom, type RunFlags } from "../shared-options.js";
import { paint, processTerminal, type Terminal } from "../terminal.js";
import { addConfigOption, explicitFlags, loadCommandOptions, type CommandOptions } from "../config-options.js";
import { REPORTER_FILES, type ResolvedReporter } from "../../config/cxda-config.js";
import { DEFAULT_ACTIONS_DIR, DEFAULT_REPORTS_DIR, DEFAULT_SEED } from "../../config/defaults.js";
import { MAX_GENERATED } from "../../payloads/generate-limits.js";
import { runnerOptions } from "../shared-options.js";
import { addDeclarativeOptions, declarativeFromFlags, refuseLiveGenerated, type DeclarativeFlags } from "../declarative-options.js";
import { countOf } from "../../internal/count-of.js";

/** Reporters `--reporter` accepts. */
const REPORTERS = ["default", "dot", "json", "junit"] as const;
type ReporterName = (typeof REPORTERS)[number];
type FileReporter = Exclude<ReporterName, "default" | "dot">;

/** Where a file reporter writes when `--output-file` does not say. */
const DEFAULT_OUTPUT: Record<FileReporter, string> = {
  json: `${DEFAULT_REPORTS_DIR}/${REPORTER_FILES.json}`,
  junit: `${DEFAULT_REPORTS_DIR}/${REPORTER_FILES.junit}`,
};

export interface TestFlags extends RunFlags, ReportFlags, DeclarativeFlags {
  json?: boolean;
  reporter?: string[];
  outputFile?: string[];
  filter?: string;
  /** Exit 0 when a filter or shard selects no case (by default such a run exits 1: a filter that matches nothing is a mistake). */
  passWithNoCases?: boolean;
  shard?: Shard;
  bail?: number;
  parity?: boolean;
  watch?: boolean;
  generate?: number;
  seed: string;
  invalid?: boolean;
  saveFailures?: string;
  /** `-u`: write the current output into `expect.output` of the cases that fail on it alone (as `vitest -u` does). */
  update?: boolean;
  /**
   * The reporters of the config, already merged with `--reporter` and `--output-file` (see `loadCommandOptions`):
   * used as they are, in place of `reporter` and `outputFile`.
   */
  configuredReporters?: ResolvedReporter[];
}

/** Resolves `--reporter` and `--output-file` (`junit=path`, or a bare path when one file reporter is chosen). */
export function resolveReporters(flags: Pick<TestFlags, "reporter" | "outputFile">): {
  console: boolean;
  dot: boolean;
  files: Array<{ reporter: FileReporter; file: string }>;
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
  const fileReporters = [...new Set(chosen.filter((n): n is FileReporter => n !== "default" && n !== "dot"))];
  const outputs = new Map<string, string>();
  for (const entry of flags.outputFile ?? []) {
    const pair = /^(\w+)=(.+)$/.exec(entry);
    if (pair && (REPORTERS as readonly string[]).includes(pair[1]!)) outputs.set(pair[1]!, pair[2]!);
    else if (fileReporters.length === 1) outputs.set(fileReporters[0]!, entry);
    else throw new CxdaError("E_USAGE", `--output-file ${entry}: with several file reporters, write reporter=path (like junit=reports/junit.xml)`);
  }
  return {
    console: chosen.includes("default"),
    dot: chosen.includes("dot"),
    files: fileReporters.map((reporter) => ({ reporter, file: outputs.get(reporter) ?? DEFAULT_OUTPUT[reporter] })),
  };
}

/** The file reporters to use: the config's (already merged with the flags) when given, else the flags'. */
function fileReportersOf(flags: TestFlags): { console: boolean; dot: boolean; files: Array<{ reporter: FileReporter; file: string }> } {
  if (flags.configuredReporters === undefined) return resolveReporters(flags);
  const files = flags.configuredReporters.flatMap((r) =>
    r.name === "json" || r.name === "junit" ? [{ reporter: r.name, file: r.outputFile ?? DEFAULT_OUTPUT[r.name] }] : [],
  );
  // With only an html reporter configured the terminal keeps its per-case lines.
  return {
    console: flags.configuredReporters.length === 0 || flags.configuredReporters.some((r) => r.name === "default"),
    dot: flags.configuredReporters.some((r) => r.name === "dot"),
    files,
  };
}

/** Every reporter of the run, in the order they end: the terminal's lines, the files, the reports, then --json. */
async function reportersOf(
  flags: TestFlags,
  terminal: Terminal,
  request: ReportRequest,
): Promise<{ list: Reporter[]; files: string[]; printed: string[] }> {
  const chosen = fileReportersOf(flags);
  const list: Reporter[] = [];
  if (chosen.console && !flags.json) list.push(consoleReporter({ summary: false }));
  if (chosen.dot && !flags.json) {
    // The unfinished line of marks shows as the terminal's status line; full lines go where the cases' lines go.
    const { dotReporter } = await import("../../report/reporters/dot-reporter.js");
    const columns = process.stdout.columns > 0 ? { columns: process.stdout.columns } : {};
    list.push(dotReporter({ summary: false, ...columns, ...(terminal.status ? { status: terminal.status } : {}) }));
  }
  for (const { reporter, file } of chosen.files) {
    if (reporter === "junit") list.push((await import("../../report/reporters/junit-reporter.js")).junitReporter({ file }));
    else list.push(jsonReporter({ file }));
  }
  list.push(...(await reportersFor(request)));
  // --json's text is printed once the reports' closing lines (on stderr) are out.
  const printed: string[] = [];
  if (flags.json) list.push(jsonReporter({ write: (text) => printed.push(text) }));
  return { list, files: chosen.files.map(({ file }) => file), printed };
}

/** What watch mode adds to a run: reporters beside the flags', and a signal that stops the run at its next result. */
export interface WatchedRun {
  reporters?: readonly Reporter[];
  signal?: AbortSignal;
}

/** Runs the cases and reports them; returns the exit code. */
export async function runTestCommand(
  paths: string[],
  flags: TestFlags,
  terminal: Terminal,
  extra: Partial<RunCasesOptions> = {},
  watched: WatchedRun = {},
): Promise<number> {
  const also = watched.reporters ?? [];
  const started = performance.now();
  const select = caseSelector({ ...(flags.filter !== undefined ? { filter: flags.filter } : {}), ...(flags.shard ? { shard: flags.shard } : {}) });
  // The platform for parity: the config's auth with --platform/--api-url/--token-url over it (merged into extra.definitions).
  const platform = extra.definitions?.platform ?? {
    ...(flags.platform !== undefined ? { platform: flags.platform } : {}),
    ...(flags.apiUrl !== undefined ? { apiUrl: flags.apiUrl } : {}),
    ...(flags.tokenUrl !== undefined ? { tokenUrl: flags.tokenUrl } : {}),
  };
  // Modules only some runs need (the platform client, the generator, JUnit) load only for those runs: a plain run
  // starts faster without them.
  const parity = flags.parity
    ? {
        client: (await import("../../client/api-client.js")).createApiClient({
          ...platform,
          ...(extra.definitions?.retry === undefined ? {} : { retry: extra.definitions.retry }),
        }),
      }
    : undefined;
  refuseLiveGenerated(flags, parity?.client.platform === "genesys");
  const payloads = flags.saveFailures !== undefined ? new Map<string, unknown>() : undefined;
  const generation = flags.generate !== undefined || flags.invalid ? await import("../generated-cases.js") : undefined;
  const generate = generation
    ? { extraCases: generation.generatedCases({ count: flags.generate ?? 0, seed: flags.seed, invalid: flags.invalid === true }, payloads) }
    : {};
  const saved: string[] = [];
  // Every output is a reporter (src/report/); report lines go to stderr with --json.
  const reporters = await reportersOf(flags, terminal, await resolveReportRequest(flags));
  const output = terminalOutput(terminal, flags.json ? terminal.err : terminal.out);
  const session = await startReportSession([...reporters.list, ...also], { output, startedAt: started, ...(extra.bus ? { bus: extra.bus } : {}) });
  let bailed = false;
  let lastStatus = 0;
  // The dot reporter's marks are the progress: the status line is theirs.
  const showProgress = !reporters.list.some((reporter) => reporter.name === "dot");
  const actions = extra.actions ?? (paths.length > 0 ? paths : [DEFAULT_ACTIONS_DIR]);
  // Snapshots (-u, and "<snapshot>" placeholders): with -u from the start, else at the first placeholder (most runs have
  // none, and need not load the JSON editor). The updater may hold a file's results until that file is written.
  let snapshots = flags.update === true ? await snapshotUpdater(flags, actions) : undefined;
  const report = async (result: CaseResult): Promise<void> => {
    await session.add(result);
    const payload = result.status !== "pass" ? (result.trigger ?? payloads?.get(`${result.action}\u0000${result.case}`)) : undefined;
    if (payload !== undefined && flags.saveFailures !== undefined && generation)
      saved.push(await generation.saveGeneratedFailure(flags.saveFailures, result, payload));
  };
  for await (const ran of runCases({
    actions,
    ...runOptionsFrom(flags),
    ...(select ? { select } : {}),
    ...(parity ? { parity } : {}),
    ...generate,
    ...declarativeFromFlags(flags),
    ...session.runOptions,
    ...extra,
  })) {
    if (snapshots === undefined && ran.failures.some((failure) => failure.code === "E_SNAPSHOT")) snapshots = await snapshotUpdater(flags, actions);
    for (const result of snapshots === undefined ? [ran] : await snapshots.accept(ran)) await report(result);
    const now = performance.now();
    const { total, failed } = session.summary();
    // A progress line only on a terminal, only for runs long enough to wonder about, redrawn at most 10 times a second.
    if (showProgress && terminal.status && now - started > 1000 && now - lastStatus > 100) {
      lastStatus = now;
      const rate = Math.round(total / ((now - started) / 1000));
      terminal.status(paint(terminal, "dim", `running… ${total} done, ${failed} failed, ${rate} cases/s`));
    }
    if (flags.bail !== undefined && failed >= flags.bail) {
      bailed = true;
      break;
    }
    // Leaving the loop closes the run's pool, which ends the sandboxes still busy (a looping case among them).
    if (watched.signal?.aborted === true) break;
  }
  for (const result of snapshots === undefined ? [] : await snapshots.finish()) await report(result);
  terminal.status?.("");
  const { summary, results, ok } = await session.end();
  const snapshotReport = snapshots?.report();
  // --json carries what the snapshots became beside the results (each updated case is already a pass among them).
  for (const text of reporters.printed)
    terminal.out(snapshotReport ? JSON.stringify({ ...(JSON.parse(text) as object), snapshots: snapshotReport }, null, 2) : text);
  if (flags.json && snapshotReport) for (const line of snapshotLines(terminal, snapshotReport)) terminal.err(line);
  if (!flags.json)
    printClosingLines(terminal, flags, {
      summary,
      bailed,
      files: reporters.files,
      saved,
      snapshots: snapshotReport ? snapshotLines(terminal, snapshotReport) : [],
    });
  // A platform that refused parity calls (auth, scope, network) is a platform error, not a failing case: exit 3.
  if (
    flags.parity &&
    results.some(
      (r) =>
        r.error !== undefined &&
        isPlatformCode(r.error.code) &&
        r.trace.steps.some((s) => s.step === "compare" && s.detail?.["parity"] === "unreachable"),
    )
  )
    return EXIT.platform;
  if (selectedNothing(flags, summary)) return EXIT.failures;
  return summary.failed > 0 || !ok ? EXIT.failures : EXIT.ok;
}

/** Whether the run is in CI, as vitest decides it: `CI` set to anything but empty, "0" or "false". */
function inCi(): boolean {
  const ci = process.env["CI"];
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

/** The snapshot handling of a run; under -u with the case files read now, before the run, to find edits made during it. */
async function snapshotUpdater(flags: TestFlags, actions: string[]): Promise<SnapshotUpdater> {
  const { createSnapshotUpdater, readCaseFiles } = await import("../../cases/update-snapshots.js");
  if (flags.update !== true) return createSnapshotUpdater({ ci: inCi() });
  const { findActionDirs } = await import("../../runner/find-action-dirs.js");
  return createSnapshotUpdater({ update: true, ci: inCi(), loaded: await readCaseFiles(await findActionDirs(actions)) });
}

/** One line per case whose snapshot was written or left alone, then the counts. */
function snapshotLines(terminal: Terminal, report: SnapshotReport): string[] {
  const lines = report.changes.map((c) => paint(terminal, "green", `${c.change} ${c.file} › ${c.case}`));
  for (const skip of report.notUpdated)
    lines.push(paint(terminal, "yellow", `not updated ${skip.file === undefined ? skip.action : skip.file} › ${skip.case}: ${skip.reason}`));
  const updated = report.changes.filter((c) => c.change === "updated").length;
  const counts: Array<[number, string]> = [
    [updated, "updated"],
    [report.changes.length - updated, "written"],
    [report.notUpdated.length, "not updated"],
  ];
  if (lines.length > 0)
    lines.push(`snapshots: ${counts.flatMap(([count, what]) => (count > 0 ? [`${countOf(count, "case")} ${what}`] : [])).join(", ")}`);
  return lines;
}

/** A filter or shard chose no case, and the user did not say that is fine. */
function selectedNothing(flags: TestFlags, summary: RunSummary): boolean {
  return summary.total === 0 && (flags.filter !== undefined || flags.shard !== undefined) && flags.passWithNoCases !== true;
}

/** Why a run that selected nothing did, and what to do: a plain-text filter that was meant as a regular expression, say. */
function nothingSelected(flags: TestFlags): string {
  const filter =
    flags.filter === undefined
      ? ""
      : `--filter ${JSON.stringify(flags.filter)} matched no "action › case" title (it is plain text; a regular expression is written /${flags.filter}/)`;
  const shard = flags.shard === undefined ? "" : `the shard ${flags.shard.index}/${flags.shard.total} holds no case`;
  const why = [filter, shard].filter((part) => part !== "").join(", or ");
  return `${why}; pass --pass-with-no-cases to let a run without cases pass`;
}

/** The lines after the cases: why the run stopped or found nothing, the files written, the counts. */
function printClosingLines(
  terminal: Terminal,
  flags: TestFlags,
  run: { summary: RunSummary; bailed: boolean; files: readonly string[]; saved: readonly string[]; snapshots: readonly string[] },
): void {
  const { summary } = run;
  const chosen = fileReportersOf(flags);
  if (chosen.console || chosen.dot) terminal.out();
  if (run.bailed) terminal.out(paint(terminal, "yellow", `stopped after ${summary.failed} failed case${summary.failed === 1 ? "" : "s"} (--bail)`));
  if (selectedNothing(flags, summary)) terminal.out(paint(terminal, "red", nothingSelected(flags)));
  else if (summary.total === 0)
    terminal.out(paint(terminal, "yellow", flags.filter !== undefined || flags.shard ? "no case matched the filter or shard" : "no cases found"));
  const notRun = summary.notRun ?? 0;
  if (notRun > 0)
    terminal.out(paint(terminal, "red", `${countOf(notRun, "case")} did not run: their action's definition or transform is broken (see above)`));
  if (summary.errors > notRun) terminal.out(paint(terminal, "red", `${summary.errors - notRun} of the failed cases ended in an error`));
  for (const file of run.files) terminal.out(paint(terminal, "dim", `wrote ${file}`));
  for (const file of run.saved) terminal.out(`saved failing generated case: ${file}`);
  for (const line of run.snapshots) terminal.out(line);
  terminal.out(paint(terminal, "dim", `${countOf(summary.total, "case")} in ${Math.round(summary.durationMs)} ms`));
  terminal.out(`${summary.passed} passed, ${summary.failed} failed`);
}

/** Adds the options of `cxda test` (beyond the shared run options). */
export function addTestOptions(command: Command): Command {
  return (
    addDeclarativeOptions(addReportOptions(addRunOptions(command)))
      .option("--json", "print one JSON object { summary, results } on stdout")
      .option("--reporter <name>", `reporter: ${REPORTERS.join(", ")} or html (repeatable, or comma-separated)`, collect, [])
      .option("--output-file <[reporter=]path>", "where a file reporter writes (json: reports/run.json, junit: reports/junit.xml)", collect, [])
      // As vitest spells it: the same list as --output-file.
      .addOption(new Option("--outputFile <[reporter=]path>").hideHelp().argParser(collect).default([]))
      .option("--filter <pattern>", 'run only cases whose "action › case" title contains this text, or matches /regex/')
      .option("--pass-with-no-cases", "exit 0 when --filter or --shard selects no case (by default such a run fails)")
      .addOption(new Option("--shard <i/n>", "run the i-th of n deterministic slices of the cases").argParser(parseShard))
      .addOption(new Option("--bail [n]", "stop after n failed cases").preset(1).argParser(integerFlag("--bail")))
      .option(
        "--parity",
        "also run each case on the platform (its execute endpoint; Genesys: the action's test endpoint) and fail it when they differ",
      )
      .option("--watch", "rerun an action when its transform, definition, trigger or cases change")
      .addOption(
        new Option(
          "--generate <n>",
          `add n schema-generated valid triggers per action (expect: valid output, no throw), at most ${MAX_GENERATED}`,
        ).argParser(integerFlag("--generate", 0, MAX_GENERATED)),
      )
      .option("--seed <seed>", "seed for --generate and --invalid (the same seed replays the same triggers)", DEFAULT_SEED)
      .option("--invalid", "add generated triggers that each break one input rule (expect: input validation rejects them)")
      .option("--save-failures <dir>", "write failing generated cases as case files under <dir>/<action>/cases/")
      .option("-u, --update", "write the current output into expect.output of the cases that fail on it alone")
  );
}

/**
 * Lets `cxda.config.*` fill what the command line left unsaid: reporters (an `html` reporter turns on the HTML
 * report), coverage and its thresholds, the reports folder. Flags given on the command line always win.
 */
export function applyConfigToTestFlags(flags: TestFlags, explicit: Partial<TestFlags>, options: CommandOptions): TestFlags {
  const merged: TestFlags = { ...flags };
  // --reports-dir moves the whole reports tree, file reporters' default files included (regression: they stayed in
  // reports/); a file the config or --output-file named stays where it was put.
  const moveDefault = (name: string, file: string): string => {
    const fileName = REPORTER_FILES[name as keyof typeof REPORTER_FILES];
    return explicit.reportsDir !== undefined && fileName !== undefined && file === join(options.reportsDir, fileName)
      ? join(explicit.reportsDir, fileName)
      : file;
  };
  // The reporters are used as objects; the html one turns on the HTML report below.
  merged.configuredReporters = options.reporters
    .filter((r) => r.name !== "html")
    .map((r) => (r.outputFile === undefined ? { ...r } : { ...r, outputFile: moveDefault(r.name, r.outputFile) }));
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
      // On a terminal: keys (a, f, Enter, q) and a clear screen between runs, as vitest's watch mode.
      const tty = process.stdin.isTTY && process.stdout.isTTY;
      await watchActions({
        paths: run.actions,
        terminal,
        signal: stop.signal,
        ...(tty ? { keys: process.stdin, clearScreen: () => process.stdout.write("\u001b[2J\u001b[H") } : {}),
        run: ({ dirs, runOptions, reporters, signal }) =>
          runTestCommand(
            dirs,
            flags,
            terminal,
            { ...run, ...runOptions, actions: dirs, readPaths: [...(run.readPaths ?? []), ...runOptions.readPaths] },
            { reporters, signal },
          ),
      });
      setExit(EXIT.ok);
    });
}
