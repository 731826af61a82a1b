// Runs results through a list of reporters: what the run must do for them, each result in turn, the summary (counted
// here, once) and the end of the run. `runWithReporters` is the whole of it around `runCases`.
import { CxdaError, isCxdaError } from "../core/errors.js";
import type { CaseResult, RunSummary } from "../core/types.js";
import { createEventBus, type EventBus } from "../bus/event-bus.js";
import type { InstrumentOptions } from "../executor/protocol.js";
import { runCases, SummaryCounter, type ActionInstrumentation, type RunCasesOptions } from "../runner/run-cases.js";
import { SILENT_OUTPUT, type Reporter, type ReportOutput, type RunEndContext, type RunFindings, type WrittenReport } from "./reporter.js";

/** Options of {@link startReportSession}. */
export interface ReportSessionOptions {
  /** Where reporters print. @default nothing is printed */
  output?: ReportOutput;
  /** A bus the run already uses; otherwise one is made when a reporter needs triggers. */
  bus?: EventBus;
  /** When the run started (`performance.now()`), for the summary's duration. @default when the session starts */
  startedAt?: number;
}

/** The outcome of a reported run. */
export interface ReportOutcome {
  summary: RunSummary;
  /** The results kept (see {@link RunEndContext.results}). */
  results: readonly CaseResult[];
  /** False when a reporter failed the run (a coverage threshold not met). */
  ok: boolean;
}

/** One run's reporting, step by step: for a caller that drives the results loop itself (the CLI stops at `--bail`). */
export interface ReportSession {
  /** Options to pass to `runCases`: what to measure and where it goes, the bus that records triggers, the detail. */
  readonly runOptions: Pick<RunCasesOptions, "instrument" | "onInstrumentation" | "bus" | "passDetail">;
  /** Hands one result to every reporter. */
  add(result: CaseResult): Promise<void>;
  /** The counts so far. */
  summary(): RunSummary;
  /** Ends the run: every reporter's `onRunEnd`, then the lines of the files they wrote. */
  end(): Promise<ReportOutcome>;
}

/** A reporter's failure, named: a run with several reporters must say which one failed, and in which call. */
function reporterFailed(reporter: Reporter, hook: string, error: unknown): CxdaError {
  const message = error instanceof Error ? error.message : String(error);
  return new CxdaError(isCxdaError(error) ? error.code : "E_USAGE", `the ${reporter.name} reporter failed in ${hook}: ${message}`, {
    cause: error,
    context: { reporter: reporter.name },
  });
}

/** Calls one reporter's hook, naming the reporter in what it throws. */
async function call<T>(reporter: Reporter, hook: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw reporterFailed(reporter, hook, error);
  }
}

function mergeInstrument(reporters: readonly Reporter[]): InstrumentOptions | undefined {
  let instrument: InstrumentOptions | undefined;
  for (const reporter of reporters) {
    const asked = reporter.needs?.instrument;
    if (asked?.coverage === true) instrument = { ...instrument, coverage: true };
    if (asked?.profile !== undefined) instrument = { ...instrument, profile: asked.profile };
  }
  return instrument;
}

/**
 * Starts the reporting of one run: calls each reporter's `onRunStart` and works out what the run must do for them.
 * Pass `runOptions` to `runCases`, each result to `add`, and call `end` once the results are done.
 * @example
 * const session = await startReportSession([junitReporter({ file: "reports/junit.xml" })]);
 * for await (const result of runCases({ actions: ["actions"], ...session.runOptions })) await session.add(result);
 * const { summary, ok } = await session.end();
 */
export async function startReportSession(reporters: readonly Reporter[], options: ReportSessionOptions = {}): Promise<ReportSession> {
  const output = options.output ?? SILENT_OUTPUT;
  const startedAt = options.startedAt ?? performance.now();
  const keepAll = reporters.some((reporter) => reporter.needs?.results === true);
  const needTriggers = reporters.some((reporter) => reporter.needs?.triggers === true);
  const bus = needTriggers ? (options.bus ?? createEventBus()) : options.bus;
  const triggers = needTriggers && bus !== undefined ? (await import("../trace/trigger-recorder.js")).recordTriggers(bus) : undefined;
  const seenTriggers = new Map<CaseResult, unknown>();
  const results: CaseResult[] = [];
  const tally = new SummaryCounter();
  let action: { name: string; tally: SummaryCounter; startedAt: number } | undefined;

  const runOptions: ReportSession["runOptions"] = { passDetail: keepAll ? "full" : "summary" };
  if (bus !== undefined) runOptions.bus = bus;
  const instrument = mergeInstrument(reporters);
  if (instrument !== undefined) {
    runOptions.instrument = instrument;
    runOptions.onInstrumentation = (data: ActionInstrumentation) => {
      if (data.problem !== undefined) output.print(output.paint("yellow", `${data.action}: ${data.problem}`));
      for (const reporter of reporters) {
        try {
          reporter.onInstrumentation?.(data);
        } catch (error) {
          throw reporterFailed(reporter, "onInstrumentation", error);
        }
      }
    };
  }
  for (const reporter of reporters) await call(reporter, "onRunStart", () => reporter.onRunStart?.({ output }));

  const endAction = async (): Promise<void> => {
    if (action === undefined) return;
    const { name, tally: counts, startedAt: actionStart } = action;
    action = undefined;
    const summary = counts.summary(performance.now() - actionStart);
    for (const reporter of reporters) await call(reporter, "onActionEnd", () => reporter.onActionEnd?.(name, summary));
  };

  return {
    runOptions,
    async add(result) {
      if (action !== undefined && action.name !== result.action) await endAction();
      action ??= { name: result.action, tally: new SummaryCounter(), startedAt: performance.now() };
      action.tally.add(result);
      tally.add(result);
      if (keepAll || result.status !== "pass") results.push(result);
      const trigger = triggers?.take(result);
      if (trigger !== undefined) seenTriggers.set(result, trigger);
      for (const reporter of reporters) await call(reporter, "onResult", () => reporter.onResult?.(result, trigger));
    },
    summary: () => tally.summary(performance.now() - startedAt),
    async end() {
      await endAction();
      triggers?.stop();
      const summary = tally.summary(performance.now() - startedAt);
      const written: WrittenReport[] = [];
      const lines: string[] = [];
      const findings: RunFindings = {};
      const context: RunEndContext = {
        output,
        results,
        triggerOf: (result) => seenTriggers.get(result),
        written,
        wrote(report, line) {
          written.push(report);
          lines.push(line);
        },
        findings,
      };
      let ok = true;
      for (const reporter of reporters) {
        const verdict = await call(reporter, "onRunEnd", () => reporter.onRunEnd?.(summary, context));
        if (verdict !== undefined && !verdict.ok) ok = false;
      }
      if (lines.length > 0) output.print();
      for (const line of lines) output.print(output.paint("dim", line));
      return { summary, results, ok };
    },
  };
}

/**
 * Runs cases (as `runCases` does) through a list of reporters, and resolves with the summary once every reporter has
 * ended. The library's way to get what `cxda test --reporter …` writes.
 * @example
 * const { summary, ok } = await runWithReporters({ actions: ["examples/billing-callback"] }, [
 *   junitReporter({ file: "reports/junit.xml" }),
 *   { name: "count", onResult: (result) => void seen.push(result.case) },
 * ]);
 */
export async function runWithReporters(
  options: RunCasesOptions,
  reporters: readonly Reporter[],
  sessionOptions: ReportSessionOptions = {},
): Promise<ReportOutcome> {
  const session = await startReportSession(reporters, { ...(options.bus ? { bus: options.bus } : {}), ...sessionOptions });
  const passDetail = options.passDetail === "full" ? "full" : session.runOptions.passDetail;
  const run: RunCasesOptions = { ...options, ...session.runOptions, ...(passDetail ? { passDetail } : {}) };
  // The caller's own measurements and onInstrumentation stay, beside the reporters': the session's must not replace them.
  if (options.instrument !== undefined && session.runOptions.instrument !== undefined)
    run.instrument = { ...options.instrument, ...session.runOptions.instrument };
  const theirs = options.onInstrumentation;
  const ours = session.runOptions.onInstrumentation;
  if (theirs !== undefined && ours !== undefined) {
    run.onInstrumentation = (data) => {
      ours(data);
      theirs(data);
    };
  }
  for await (const result of runCases(run)) await session.add(result);
  return session.end();
}
