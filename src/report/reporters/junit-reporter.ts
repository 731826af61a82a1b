// The JUnit reporter: JUnit XML for CI (one testsuite per action), secret-looking fields redacted.
import type { Reporter } from "../reporter.js";
import { redactResult } from "../../secrets/redact.js";
import { writeReportFile } from "./write-report-file.js";

/** Options of {@link junitReporter}. */
export interface JunitReporterOptions {
  /** Where the XML goes. */
  file: string;
  /** The `timestamp` of the suites. @default when the run ends */
  timestamp?: Date;
  /** The `name` of `<testsuites>`. @default "cxda" */
  name?: string;
}

/**
 * Writes JUnit XML when the run ends (`--reporter junit`).
 * @example
 * await runWithReporters({ actions: ["actions"] }, [junitReporter({ file: "reports/junit.xml" })]);
 */
export function junitReporter(options: JunitReporterOptions): Reporter {
  return {
    name: "junit",
    needs: { results: true },
    async onRunEnd(_summary, context) {
      const { toJunitXml } = await import("../junit-xml.js");
      const settings = {
        ...(options.timestamp ? { timestamp: options.timestamp } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
      };
      await writeReportFile(options.file, toJunitXml(context.results.map(redactResult), settings));
    },
  };
}
