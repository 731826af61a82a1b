// Writes istanbul's coverage reports (text, html, lcov, json-summary) and says where each file's html page is.
import { readFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import libReport, { type ReportNode } from "istanbul-lib-report";
import reports from "istanbul-reports";
import { CxdaError } from "../core/errors.js";
import type { CollectedCoverage } from "./coverage-collector.js";
import { summariseCoverage, totalCoverage, type CoverageFileSummary, type CoverageMetric, type CoverageMetricName } from "./coverage-summary.js";

/** The reports istanbul writes for cxda. */
export type CoverageReporterName = "text" | "html" | "lcov" | "json-summary";

/** Options of {@link writeCoverageReports}. */
export interface CoverageReportOptions {
  /** Folder for the reports. @default "reports/coverage" */
  dir?: string;
  /** Which reports to write. @default ["text", "html", "lcov", "json-summary"] */
  reporters?: CoverageReporterName[];
  /** Width of the text table. @default 110 */
  textWidth?: number;
}

/** {@link CoverageReportOptions} with every default applied. */
export interface ResolvedCoverageReportOptions {
  dir: string;
  reporters: CoverageReporterName[];
  textWidth: number;
}

const ALL_REPORTERS: CoverageReporterName[] = ["text", "html", "lcov", "json-summary"];

/**
 * Applies the defaults and rejects unknown reporters.
 * @throws CxdaError `E_USAGE` for an unknown reporter or a width under 40
 * @example
 * resolveCoverageReportOptions({ dir: "out/coverage" }); // { dir: "/abs/out/coverage", reporters: [all four], textWidth: 110 }
 */
export function resolveCoverageReportOptions(options: CoverageReportOptions = {}): ResolvedCoverageReportOptions {
  const reporters = options.reporters ?? ALL_REPORTERS;
  for (const name of reporters) {
    if (!ALL_REPORTERS.includes(name)) throw new CxdaError("E_USAGE", `unknown coverage reporter "${String(name)}"; use ${ALL_REPORTERS.join(", ")}`);
  }
  const textWidth = options.textWidth ?? 110;
  if (!Number.isInteger(textWidth) || textWidth < 40) throw new CxdaError("E_USAGE", `the coverage text width must be a whole number >= 40, got ${textWidth}`);
  return { dir: resolve(options.dir ?? join("reports", "coverage")), reporters: [...new Set(reporters)], textWidth };
}

/** A file's figures and, when html was written, its page. */
export interface CoverageFileReport extends CoverageFileSummary {
  /** The file's istanbul html page, relative to the coverage folder (`transform.ts.html`). */
  html?: string;
}

/** What {@link writeCoverageReports} wrote. */
export interface WrittenCoverageReports {
  dir: string;
  files: CoverageFileReport[];
  total: Record<CoverageMetricName, CoverageMetric>;
  /** istanbul's text table (with the uncovered line numbers), as printed on a terminal; empty without `text`. */
  text: string;
  /** Absolute paths of what was written, by report. */
  written: Partial<Record<CoverageReporterName, string>>;
}

const TEXT_FILE = "coverage.txt";

/**
 * Writes istanbul's reports for the collected coverage: `coverage.txt` (the text table), `index.html` and a page per
 * file, `lcov.info`, `coverage-summary.json`. Source text for the html comes from the bundles' source maps, so inline
 * definition scripts show too.
 * @example
 * const written = await writeCoverageReports(await collector.toCoverage(), { dir: "reports/coverage" });
 * console.log(written.text);
 */
export async function writeCoverageReports(coverage: CollectedCoverage, options: CoverageReportOptions = {}): Promise<WrittenCoverageReports> {
  const settings = resolveCoverageReportOptions(options);
  await mkdir(settings.dir, { recursive: true });
  const context = libReport.createContext({
    dir: settings.dir,
    coverageMap: coverage.map,
    defaultSummarizer: "pkg",
    sourceFinder: (file) => coverage.sources.get(file) ?? readFileSync(file, "utf8"),
  });
  const written: WrittenCoverageReports["written"] = {};
  for (const name of settings.reporters) {
    if (name === "text") {
      reports.create("text", { file: TEXT_FILE, maxCols: settings.textWidth, skipEmpty: false, skipFull: false }).execute(context);
      written.text = join(settings.dir, TEXT_FILE);
    } else if (name === "html") {
      reports.create("html", { skipEmpty: false }).execute(context);
      written.html = join(settings.dir, "index.html");
    } else if (name === "lcov") {
      reports.create("lcovonly", { file: "lcov.info" }).execute(context);
      written.lcov = join(settings.dir, "lcov.info");
    } else {
      reports.create("json-summary", { file: "coverage-summary.json" }).execute(context);
      written["json-summary"] = join(settings.dir, "coverage-summary.json");
    }
  }
  const pages = settings.reporters.includes("html") ? htmlPages(context) : new Map<string, string>();
  const files: CoverageFileReport[] = summariseCoverage(coverage.map).map((file) => {
    const page = pages.get(file.file);
    return page === undefined ? file : { ...file, html: page };
  });
  const text = written.text === undefined ? "" : await readFile(written.text, "utf8");
  return { dir: settings.dir, files, total: totalCoverage(files), text, written };
}

/** Where istanbul's html reporter puts each file's page: its qualified name in the summary tree, plus `.html`. */
function htmlPages(context: libReport.Context): Map<string, string> {
  const pages = new Map<string, string>();
  context.getTree("pkg").visit(
    context.getVisitor({
      onDetail(node: ReportNode) {
        pages.set(node.getFileCoverage().path, `${node.getQualifiedName()}.html`);
      },
    }),
    null,
  );
  return pages;
}
