// The JSON reporter: `{ summary, results }` with secret-looking fields redacted, to a file or to a writer (stdout).
import type { Reporter } from "../reporter.js";
import { redactResult } from "../../secrets/redact.js";
import { writeReportFile } from "./write-report-file.js";

/** Options of {@link jsonReporter}: a file, or a function that takes the text. */
export type JsonReporterOptions = { file: string } | { write: (text: string) => void };

/**
 * Writes `{ summary, results }` as indented JSON when the run ends (`--reporter json`, `--json`).
 * @example
 * jsonReporter({ file: "reports/run.json" });
 * jsonReporter({ write: (text) => process.stdout.write(`${text}\n`) });
 */
export function jsonReporter(options: JsonReporterOptions): Reporter {
  return {
    name: "json",
    needs: { results: true },
    async onRunEnd(summary, context) {
      const text = JSON.stringify({ summary, results: context.results.map(redactResult) }, null, 2);
      if ("file" in options) await writeReportFile(options.file, `${text}\n`);
      else options.write(text);
    },
  };
}
