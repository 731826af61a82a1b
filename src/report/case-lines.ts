// One line per case for people, with the reasons under a case that did not pass. Every text that came from a case, a
// transform or a server passes through `shown` before it is painted, so its escape sequences are seen as text.
import type { CaseResult } from "../core/types.js";
import { escapeControls as shown } from "../internal/control-characters.js";
import { redactResult } from "../secrets/redact.js";
import type { ReportOutput } from "./reporter.js";

/** A duration as people read it: `1.25 ms`, `12.5 ms`, `130 ms`. */
export function formatDuration(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;
}

/**
 * One line for the case, then indented reasons when it did not pass (secret-looking fields redacted).
 * @example
 * caseResultLines(SILENT_OUTPUT, result); // ["✓ billing › premium (1.20 ms)"]
 */
export function caseResultLines(output: Pick<ReportOutput, "paint">, raw: CaseResult): string[] {
  const paint = output.paint.bind(output);
  if (raw.status === "pass")
    return [`${paint("green", "✓")} ${shown(`${raw.action} › ${raw.case}`)} ${paint("dim", `(${formatDuration(raw.durationMs)})`)}`];
  const result = redactResult(raw);
  const mark = result.status === "pass" ? paint("green", "✓") : result.status === "fail" ? paint("red", "✗") : paint("red", "!");
  const title = shown(`${result.action} › ${result.case}`);
  const lines = [`${mark} ${result.status === "pass" ? title : paint("bold", title)} ${paint("dim", `(${formatDuration(result.durationMs)})`)}`];
  if (result.status === "pass") return lines;
  if (result.error) lines.push(`    ${paint("red", shown(result.error.code))} ${shown(result.error.message).split("\n").join("\n    ")}`);
  if (result.error?.stack)
    lines.push(
      ...result.error.stack
        .split("\n")
        .slice(1, 6)
        .map((l) => paint("dim", `    ${shown(l.trim())}`)),
    );
  for (const failure of result.failures) lines.push(`    ${shown(failure.message)}`);
  if (result.source) lines.push(paint("dim", `    at ${shown(result.source)}`));
  return lines;
}
