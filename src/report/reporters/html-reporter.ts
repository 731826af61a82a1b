// The HTML reporter: one self-contained page with the summary, every case and its trigger, profiles, coverage and
// links to the other files of the run.
import { dirname, relative } from "node:path";
import type { HtmlReportCoverage, HtmlReportProfile } from "../html-report.js";
import type { Reporter } from "../reporter.js";
import { shownPath } from "../shown-path.js";

/**
 * Writes the HTML report when the run ends (`--html`). Put it after the coverage, profile, trace and OTLP reporters:
 * it shows what they found and links to what they wrote.
 * @example
 * htmlReporter({ file: "reports/report.html" });
 */
export function htmlReporter(options: { file: string }): Reporter {
  return {
    name: "html",
    needs: { results: true, triggers: true },
    async onRunEnd(summary, context) {
      // Links in the report are relative to where it is written.
      const href = (path: string): string => relative(dirname(options.file), path).split("\\").join("/");
      const { coverage, profiles } = context.findings;
      let coverageData: HtmlReportCoverage | undefined;
      if (coverage !== undefined) {
        const { dir, ...rest } = coverage;
        coverageData = { ...rest, ...(dir !== undefined ? { href: href(dir) } : {}) };
      }
      const profileData = profiles?.map(({ file, ...rest }): HtmlReportProfile => ({ ...rest, ...(file !== undefined ? { href: href(file) } : {}) }));
      const { writeHtmlReport } = await import("../html-report.js");
      const file = await writeHtmlReport(options.file, {
        summary,
        cases: context.results.map((result) => {
          const trigger = context.triggerOf(result);
          return trigger !== undefined ? { result, trigger } : { result };
        }),
        ...(profileData ? { profiles: profileData } : {}),
        ...(coverageData ? { coverage: coverageData } : {}),
        links: context.written.flatMap((report) => (report.label !== undefined ? [{ label: report.label, href: href(report.path) }] : [])),
      });
      context.wrote({ path: file }, `wrote ${shownPath(file)}: open it in a browser`);
    },
  };
}
