// The trace reporter: one trace file per case (`reports/traces/<action>/<case>.json`), written as results arrive.
import type { TraceWriter } from "../../trace/trace-file.js";
import type { Reporter } from "../reporter.js";
import { shownPath } from "../shown-path.js";

/** Options of {@link traceReporter}. */
export interface TraceReporterOptions {
  /** The traces folder. */
  dir: string;
  /** Add each case's trigger and output (secrets redacted). @default false */
  payloads?: boolean;
}

/**
 * Writes each case's trace as it ends (`--trace`, `--trace payloads`).
 * @example
 * traceReporter({ dir: "reports/traces", payloads: true });
 */
export function traceReporter(options: TraceReporterOptions): Reporter {
  const payloads = options.payloads === true;
  let writer: TraceWriter | undefined;
  return {
    name: "trace",
    needs: { results: true, triggers: payloads },
    async onRunStart() {
      writer = (await import("../../trace/trace-file.js")).createTraceWriter({ dir: options.dir, payloads });
    },
    async onResult(result, trigger) {
      await writer?.write(result, trigger as Readonly<Record<string, unknown>> | undefined);
    },
    onRunEnd(_summary, context) {
      const count = writer?.files.length ?? 0;
      context.wrote({ path: options.dir, label: "Traces" }, `wrote ${count} trace${count === 1 ? "" : "s"} to ${shownPath(options.dir)}/`);
    },
  };
}
