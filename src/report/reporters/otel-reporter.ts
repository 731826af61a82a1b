// The OpenTelemetry reporter: the run's traces as OTLP/JSON, one trace per case.
import type { Reporter } from "../reporter.js";
import { shownPath } from "../shown-path.js";
import { writeReportFile } from "./write-report-file.js";

/**
 * Writes the run's traces as an OTLP/JSON file when it ends (`--otel`).
 * @example
 * otelReporter({ file: "reports/traces.otlp.json" });
 */
export function otelReporter(options: { file: string }): Reporter {
  return {
    name: "otel",
    needs: { results: true },
    async onRunEnd(_summary, context) {
      const { toOtlpTraces } = await import("../../trace/otel-traces.js");
      await writeReportFile(options.file, `${JSON.stringify(toOtlpTraces(context.results))}\n`);
      context.wrote({ path: options.file, label: "OTLP traces" }, `wrote ${shownPath(options.file)} (OpenTelemetry OTLP/JSON, one trace per case)`);
    },
  };
}
