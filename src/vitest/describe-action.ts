// describeAction: one vitest suite per action folder, one test per case, run lazily on a worker pool shared by the suite.
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, it } from "vitest";
import { CxdaError, type CxdaErrorCode } from "../core/errors.js";
import type { CaseDefinition, CaseResult } from "../core/types.js";
import { createWorkerPool, type WorkerPool } from "../executor/worker-pool.js";
import { runCases } from "../runner/run-cases.js";
import { checkCaseRunOptions, resolveCaseRunOptions, type CaseRunOptions, type ResolvedCaseRunOptions } from "./case-run-options.js";
import { describeCaseOutcome, diffableValues, pointStackAtCase } from "./explain-result.js";
import { readActionSync } from "./read-action-sync.js";
import { redactResult } from "../secrets/redact.js";
import type { Reporter } from "../report/reporter.js";
import { startReportSession, type ReportSession } from "../report/report-session.js";

/** Options of {@link describeAction}. */
export interface DescribeActionOptions extends CaseRunOptions {
  /**
   * The suite's title.
   * @default the definition's id, else the folder name
   * @example "billing callback"
   */
  title?: string;
  /**
   * Keeps only the cases for which this returns true (vitest's own `-t` filter works too).
   * @default every case
   * @example (testCase) => !testCase.name.startsWith("slow")
   */
  filter?: (testCase: CaseDefinition) => boolean;
  /**
   * Run the suite's cases concurrently (`describe.concurrent`).
   * @default false
   * @example true
   */
  concurrent?: boolean;
  /**
   * Worker threads in the suite's pool.
   * @default 1, or with `concurrent` the number of cores (at most the number of cases)
   * @example 2
   */
  workers?: number;
  /**
   * Reporters that get each case's result as its test ends, and the suite's summary after its last test (the JUnit,
   * JSON, HTML and trace reporters of `cxda`, or your own). Results reach them in the order the tests end; a case file
   * that did not load reaches them as an error result, as from `cxda test`. Coverage and profiles are not measured
   * here: vitest's own `--coverage` covers transforms run by its tests.
   *
   * Each suite is a run of its own: give each `describeAction` its own reporters, writing its own file. Reporters
   * shared by several suites (or test files) start again with each one, and a file reporter keeps only the last
   * suite's report.
   * @default none
   * @example [junitReporter({ file: "reports/junit-billing.xml" })]
   */
  reporters?: Reporter[];
}

/** {@link DescribeActionOptions} after checks and defaults (the config part is read when the first case runs). */
export interface ResolvedDescribeActionOptions {
  dir: string;
  title: string | undefined;
  filter: (testCase: CaseDefinition) => boolean;
  concurrent: boolean;
  workers: number | undefined;
  reporters: Reporter[];
  run: CaseRunOptions;
}

/**
 * The error a case's test fails with; `result` is the full case result, trace included. For a failed `output` or
 * `match` expectation it carries `expected` and `actual` (redacted), from which vitest draws its own diff, and its stack
 * points at the case in its file.
 */
export class CaseFailedError extends Error {
  override name = "CaseFailedError";
  readonly result: CaseResult;
  /** The expectation (for `match`, as written), when an `output` or `match` expectation failed. */
  readonly expected?: unknown;
  /** The output (for `match`, the part of it the expectation names), when `expected` is set. */
  readonly actual?: unknown;
  /** Tells vitest to draw a diff of `expected` and `actual`. */
  readonly showDiff: boolean;

  /** @param testCase the case's definition, whose expectation is the diff's expected side (else rebuilt from the failures) */
  constructor(result: CaseResult, testCase?: CaseDefinition) {
    super(describeCaseOutcome(result));
    // vitest may print the error's own fields too: keep only the redacted result on it.
    this.result = redactResult(result);
    const values = diffableValues(this.result, testCase);
    this.showDiff = values !== undefined;
    if (values !== undefined) {
      this.expected = values.expected;
      this.actual = values.actual;
    }
    pointStackAtCase(this, result.case, result.location ?? testCase?.location);
  }
}

/**
 * Checks the options (bad values are errors at collection, before anything runs) and applies the defaults that do not
 * depend on the config file.
 * @example
 * resolveDescribeActionOptions("actions/billing", { concurrent: true }).concurrent; // true
 */
export function resolveDescribeActionOptions(dir: string | URL, options: DescribeActionOptions = {}): ResolvedDescribeActionOptions {
  const path = dir instanceof URL ? fileURLToPath(dir) : resolve(dir);
  const where = `describeAction(${typeof dir === "string" ? dir : path})`;
  checkCaseRunOptions(options, where);
  if (options.workers !== undefined && (!Number.isInteger(options.workers) || options.workers < 1)) {
    throw new CxdaError("E_USAGE", `${where}: workers must be a whole number >= 1, got ${String(options.workers)}`);
  }
  if (options.title !== undefined && (typeof options.title !== "string" || options.title.trim() === "")) {
    throw new CxdaError("E_USAGE", `${where}: title must be a non-empty string`);
  }
  const { title, filter, concurrent, workers, reporters, ...run } = options;
  return { dir: path, title, filter: filter ?? (() => true), concurrent: concurrent ?? false, workers, reporters: reporters ?? [], run };
}

interface Session {
  pool: WorkerPool;
  settings: ResolvedCaseRunOptions;
  /** The suite's reporting, when it has reporters. */
  report: ReportSession | undefined;
}

/**
 * Declares a vitest suite for an action folder: `describe(<action id>)` with one `it(<case name>)` per case of its
 * `cases/*.json`, so vitest's reporters, watch mode, coverage, filters and sharding apply. Case files are read now
 * (vitest collects synchronously); each case runs inside its own test, on a worker pool the suite starts at its first
 * case and stops after its last. A case file that cannot be read becomes a failing test that says why. Settings not
 * given come from the project's cxda config.
 * @example
 * // test/actions.test.ts
 * import { junitReporter } from "cxda";
 * import { describeAction } from "cxda/vitest";
 * describeAction("actions/billing-callback");
 * describeAction(new URL("../actions/lookup", import.meta.url), { vars: { region: "eu" } });
 * // One JUnit file per suite: a reporter given to two suites would keep only the last one's report.
 * describeAction("actions/billing-callback", { reporters: [junitReporter({ file: "reports/junit-billing.xml" })] });
 * describeAction("actions/lookup", { reporters: [junitReporter({ file: "reports/junit-lookup.xml" })] });
 */
export function describeAction(dir: string | URL, options: DescribeActionOptions = {}): void {
  const resolved = resolveDescribeActionOptions(dir, options);
  const outline = readActionSync(resolved.dir);
  const entries = outline.cases.filter((entry) => !entry.ok || resolved.filter(entry.case));
  if (entries.length === 0) {
    throw new CxdaError(
      "E_USAGE",
      `describeAction(${resolved.dir}): no cases to run; add cases/*.json to the action${outline.cases.length > 0 ? " (the filter kept none)" : ""}`,
    );
  }
  const workers = resolved.workers ?? (resolved.concurrent ? Math.min(availableParallelism(), entries.length) : 1);
  const suite = resolved.concurrent ? describe.concurrent : describe;

  suite(resolved.title ?? outline.id, () => {
    let session: Promise<Session> | undefined;
    const open = (): Promise<Session> =>
      (session ??= (async () => {
        const settings = await resolveCaseRunOptions(resolved.run);
        return {
          settings,
          report: resolved.reporters.length > 0 ? await startReportSession(resolved.reporters) : undefined,
          pool: await createWorkerPool({
            workers,
            timeoutMs: settings.timeoutMs,
            memoryMb: settings.memoryMb,
            allowNetwork: settings.allowNetwork,
            readPaths: [resolved.dir, settings.buildDir],
          }),
        };
      })());

    afterAll(async () => {
      const opened = await session?.catch(() => undefined);
      try {
        await opened?.report?.end();
      } finally {
        await opened?.pool.close();
      }
    });

    // In a concurrent suite the other cases wait for the first: bundleTransform writes a new bundle through a temp
    // file named per process, so two first-time bundles of one transform at once can collide. Once the bundle
    // exists it is not written again.
    let first: Promise<unknown> | undefined;
    // A case is given by its definition; a case file that did not load, by its name and source, so the runner turns
    // it into the same error result `cxda test` reports.
    const runCase = async (
      which: { cases: CaseDefinition[] } | { select: (action: string, caseName: string, source: string) => boolean },
    ): Promise<CaseResult | undefined> => {
      const { pool, settings, report } = await open();
      const wait = first;
      const running = (async () => {
        if (wait !== undefined) await wait.catch(() => undefined);
        let result: CaseResult | undefined;
        // The reporters' bus (triggers for the HTML report and traces) and detail; measurements need a pool of their own.
        const reporting = report
          ? { passDetail: report.runOptions.passDetail, ...(report.runOptions.bus ? { bus: report.runOptions.bus } : {}) }
          : {};
        for await (const each of runCases({ ...settings, actions: [resolved.dir], ...which, pool, ...reporting })) {
          result = each;
          await report?.add(each);
        }
        return result;
      })();
      first ??= running;
      return running;
    };

    for (const entry of entries) {
      if (!entry.ok) {
        const { name, source, error, location } = entry;
        it(name, async () => {
          // The reporters get the case's error result, as from `cxda test`; the test fails with the problem either way.
          if (resolved.reporters.length > 0) await runCase({ select: (_action, caseName, at) => caseName === name && at === source });
          const problem = new CxdaError(error.code as CxdaErrorCode, `${error.message}${error.message.includes(source) ? "" : ` (at ${source})`}`);
          pointStackAtCase(problem, name, location);
          throw problem;
        });
        continue;
      }
      const testCase = entry.case;
      it(testCase.name, async () => {
        const result = await runCase({ cases: [testCase] });
        if (result === undefined) throw new CxdaError("E_USAGE", `${resolved.dir}: the case "${testCase.name}" did not run`);
        if (result.status !== "pass") throw new CaseFailedError(result, testCase);
      });
    }
  });
}
