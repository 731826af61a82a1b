// The coverage reporter: V8 coverage of the transforms gathered from the workers, istanbul's reports, the thresholds.
import { join } from "node:path";
import type { CoverageCollector } from "../../coverage/coverage-collector.js";
import { resolveCoverageThresholds, type CoverageThresholds } from "../../coverage/coverage-thresholds.js";
import type { Reporter } from "../reporter.js";
import { shownPath } from "../shown-path.js";

/** Options of {@link coverageReporter}. */
export interface CoverageReporterOptions {
  /** The reports tree: coverage goes to `<reportsDir>/coverage/`. */
  reportsDir: string;
  /**
   * The percentages (0 to 100) each file must reach, per metric.
   * @default no threshold
   * @example { branches: 90, lines: 95 }
   */
  thresholds?: CoverageThresholds;
}

/**
 * Measures coverage of the transforms, writes text, HTML, lcov and json-summary reports, prints the table and the
 * branches that never ran, and fails the run when a threshold is not met (`--coverage`). Transforms run without
 * Node's permission model while measured (docs/threat-model.md).
 * @throws CxdaError `E_USAGE` for a threshold that is not a percentage from 0 to 100, before anything runs
 * @example
 * coverageReporter({ reportsDir: "reports", thresholds: { branches: 90 } });
 */
export function coverageReporter(options: CoverageReporterOptions): Reporter {
  const thresholds = resolveCoverageThresholds(options.thresholds);
  let collector: CoverageCollector | undefined;
  return {
    name: "coverage",
    needs: { results: true, instrument: { coverage: true } },
    async onRunStart() {
      collector = (await import("../../coverage/coverage-collector.js")).createCoverageCollector();
    },
    onInstrumentation(data) {
      collector?.add(data);
    },
    async onRunEnd(_summary, { output, findings }) {
      if (collector === undefined) return;
      const { writeCoverageReports } = await import("../../coverage/coverage-reports.js");
      const { checkCoverageThresholds } = await import("../../coverage/coverage-thresholds.js");
      const { describeUncoveredBranch } = await import("../../coverage/coverage-summary.js");
      const dir = join(options.reportsDir, "coverage");
      const written = await writeCoverageReports(await collector.toCoverage(), { dir });
      output.print();
      output.print(output.paint("bold", `Coverage of the transforms (${shownPath(dir)}/: index.html, lcov.info, coverage-summary.json)`));
      if (written.files.length === 0) output.print(output.paint("yellow", "  no transform code ran, so there is no coverage to show"));
      else for (const line of written.text.trimEnd().split("\n")) output.print(line);
      for (const file of written.files) {
        if (file.uncoveredBranches.length === 0) continue;
        output.print(`${file.name}: ${file.branches.total - file.branches.covered} of ${file.branches.total} branches never ran`);
        for (const branch of file.uncoveredBranches) output.print(output.paint("dim", `  ${describeUncoveredBranch(branch)}`));
      }
      const shortfalls = checkCoverageThresholds(written.files, thresholds);
      for (const shortfall of shortfalls) output.print(output.paint("red", `✗ coverage threshold not met: ${shortfall.message}`));
      findings.coverage = { total: written.total, files: written.files, shortfalls, ...(written.written.html ? { dir } : {}) };
      return { ok: shortfalls.length === 0 };
    },
  };
}
