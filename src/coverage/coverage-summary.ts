// Per-file coverage figures, with the lines and branches left uncovered, from istanbul coverage.
import { relative } from "node:path";
import type { CoverageMap, FileCoverage } from "istanbul-lib-coverage";

/** Covered and total of one metric; `pct` is 0–100 with two decimals (100 when there is nothing to cover). */
export interface CoverageMetric {
  total: number;
  covered: number;
  pct: number;
}

/** The four istanbul metrics. */
export type CoverageMetricName = "lines" | "statements" | "functions" | "branches";

/** A branch side that never ran. */
export interface UncoveredBranch {
  /** 1-based line of the side in the source. */
  line: number;
  /** istanbul's kind: `if`, `cond-expr` (ternary), `binary-expr` (`??`, `||`, `&&`), `switch`, `default-arg`… */
  type: string;
  /** Which side: 0 is the `if`/first operand/first clause, 1 the `else`/second… */
  side: number;
}

/** Coverage of one source file. */
export interface CoverageFileSummary {
  /** Absolute path. */
  file: string;
  /** Path relative to the working directory, for people. */
  name: string;
  lines: CoverageMetric;
  statements: CoverageMetric;
  functions: CoverageMetric;
  branches: CoverageMetric;
  /** 1-based lines with code that never ran. */
  uncoveredLines: number[];
  uncoveredBranches: UncoveredBranch[];
}

const METRICS: CoverageMetricName[] = ["lines", "statements", "functions", "branches"];

function metric(summary: { total: number; covered: number; pct: number | "Unknown" }): CoverageMetric {
  return { total: summary.total, covered: summary.covered, pct: typeof summary.pct === "number" ? summary.pct : 100 };
}

function uncoveredBranches(coverage: FileCoverage): UncoveredBranch[] {
  const found: UncoveredBranch[] = [];
  for (const [id, counts] of Object.entries(coverage.b)) {
    const branch = coverage.branchMap[id];
    if (branch === undefined) continue;
    counts.forEach((count, side) => {
      if (count > 0) return;
      // An `if` without `else` has an empty location for its implicit else: place it on the `if`.
      const line = branch.locations[side]?.start.line ?? branch.loc.start.line;
      found.push({ line: typeof line === "number" ? line : branch.loc.start.line, type: branch.type, side });
    });
  }
  return found.sort((a, b) => a.line - b.line || a.side - b.side);
}

/**
 * Figures for each file of `map`, sorted by name.
 * @example
 * summariseCoverage(map)[0]; // { name: "actions/x/transform.ts", branches: { total: 12, covered: 6, pct: 50 }, uncoveredLines: [13, 20, 29], … }
 */
export function summariseCoverage(map: CoverageMap, cwd = process.cwd()): CoverageFileSummary[] {
  return map
    .files()
    .map((file) => {
      const coverage = map.fileCoverageFor(file);
      const summary = coverage.toSummary();
      const figures = Object.fromEntries(METRICS.map((name) => [name, metric(summary[name])])) as Record<CoverageMetricName, CoverageMetric>;
      return {
        file,
        name: relative(cwd, file) || file,
        ...figures,
        uncoveredLines: coverage.getUncoveredLines().map(Number).sort((a, b) => a - b),
        uncoveredBranches: uncoveredBranches(coverage),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Adds the files' figures into totals for the whole run.
 * @example
 * totalCoverage(files).branches; // { total: 12, covered: 6, pct: 50 }
 */
export function totalCoverage(files: CoverageFileSummary[]): Record<CoverageMetricName, CoverageMetric> {
  const total = {} as Record<CoverageMetricName, CoverageMetric>;
  for (const name of METRICS) {
    const covered = files.reduce((sum, file) => sum + file[name].covered, 0);
    const all = files.reduce((sum, file) => sum + file[name].total, 0);
    total[name] = { total: all, covered, pct: all === 0 ? 100 : Math.floor((covered / all) * 10000) / 100 };
  }
  return total;
}
