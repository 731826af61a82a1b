// Coverage thresholds: resolving them and finding the files that fall short.
import { CxdaError } from "../core/errors.js";
import type { CoverageFileSummary, CoverageMetricName } from "./coverage-summary.js";

/** Minimum percentages (0–100) every covered file must reach; a metric left out is not checked. */
export type CoverageThresholds = Partial<Record<CoverageMetricName, number>>;

/** Thresholds after checking: only the metrics that were given. */
export type ResolvedCoverageThresholds = Readonly<Partial<Record<CoverageMetricName, number>>>;

/** A file below a threshold. */
export interface CoverageShortfall {
  /** The file's name relative to the working directory (or a note when no file was covered at all). */
  name: string;
  metric: CoverageMetricName;
  /** Percentage reached. */
  actual: number;
  /** Percentage required. */
  required: number;
  /** `actions/x/transform.ts: branches 50% is below the 90% threshold (6 of 12 covered)` */
  message: string;
}

const NAMES: CoverageMetricName[] = ["lines", "statements", "functions", "branches"];

/**
 * Checks thresholds: each must be a number from 0 to 100.
 * @throws CxdaError `E_USAGE` naming the metric and the bad value
 * @example
 * resolveCoverageThresholds({ branches: 90 }); // { branches: 90 }
 */
export function resolveCoverageThresholds(thresholds: CoverageThresholds = {}): ResolvedCoverageThresholds {
  const resolved: Partial<Record<CoverageMetricName, number>> = {};
  for (const name of NAMES) {
    const value = thresholds[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 100) {
      throw new CxdaError("E_USAGE", `coverage threshold for ${name} must be a percentage from 0 to 100, got ${String(value)}`);
    }
    resolved[name] = value;
  }
  return resolved;
}

/**
 * Every file and metric below its threshold. With thresholds but no covered file at all (the transform never ran),
 * each threshold falls short, so a broken run cannot pass a coverage gate.
 * @example
 * checkCoverageThresholds(files, { branches: 90 }); // [{ name: "actions/x/transform.ts", metric: "branches", actual: 50, required: 90, message: "…" }]
 */
export function checkCoverageThresholds(files: CoverageFileSummary[], thresholds: ResolvedCoverageThresholds): CoverageShortfall[] {
  const shortfalls: CoverageShortfall[] = [];
  for (const metric of NAMES) {
    const required = thresholds[metric];
    if (required === undefined) continue;
    if (files.length === 0) {
      shortfalls.push({ name: "(no covered file)", metric, actual: 0, required, message: `${metric}: no transform code ran, so the ${required}% threshold is not met` });
      continue;
    }
    for (const file of files) {
      const figures = file[metric];
      if (figures.pct >= required) continue;
      shortfalls.push({
        name: file.name,
        metric,
        actual: figures.pct,
        required,
        message: `${file.name}: ${metric} ${figures.pct}% is below the ${required}% threshold (${figures.covered} of ${figures.total} covered)`,
      });
    }
  }
  return shortfalls;
}
