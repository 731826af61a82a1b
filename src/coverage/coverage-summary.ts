// Per-file coverage figures, with the lines and branches left uncovered, from istanbul coverage.
import { isAbsolute, relative } from "node:path";
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
  /** Path relative to the working directory when inside it (else absolute), for people. */
  name: string;
  lines: CoverageMetric;
  statements: CoverageMetric;
  functions: CoverageMetric;
  branches: CoverageMetric;
  /** 1-based lines with code that never ran. */
  uncoveredLines: number[];
  uncoveredBranches: UncoveredBranch[];
}

/** A path relative to `cwd` when it is inside it, else absolute (`../../x` helps nobody). */
function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
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
        name: displayPath(file, cwd),
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

/**
 * Says in words which side of a branch never ran.
 * @example
 * describeUncoveredBranch({ line: 19, type: "if", side: 1 }); // "line 19: the else path never ran"
 */
export function describeUncoveredBranch(branch: UncoveredBranch): string {
  const what =
    branch.type === "if"
      ? branch.side === 0
        ? "the if branch was never taken"
        : "the else path never ran"
      : branch.type === "cond-expr"
        ? `the ternary's ${branch.side === 0 ? "true" : "false"} side never ran`
        : branch.type === "binary-expr"
          ? `operand ${branch.side + 1} of a ??, || or && chain was never evaluated`
          : branch.type === "switch"
            ? `switch clause ${branch.side + 1} never matched`
            : branch.type === "default-arg"
              ? "the default value was never used"
              : `${branch.type} side ${branch.side + 1} never ran`;
  return `line ${branch.line}: ${what}`;
}
