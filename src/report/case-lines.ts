// One line per case for people, with the reasons under a case that did not pass. Every text that came from a case, a
// transform or a server passes through `shown` before it is painted, so its escape sequences are seen as text.
import type { CaseFailure, CaseLocation, CaseResult } from "../core/types.js";
import { escapeControls as shown } from "../internal/control-characters.js";
import { redactResult, redactSecrets } from "../secrets/redact.js";
import type { ReportOutput } from "./reporter.js";
import { shownPath } from "./shown-path.js";
import { expectedView, valueDiffLines } from "./value-diff.js";

/** A duration as people read it: `1.25 ms`, `12.5 ms`, `130 ms`. */
export function formatDuration(value: number): string {
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(value >= 10 ? 1 : 2)} ms`;
}

/** Where a case is, as terminals and editors make clickable: `cases/a.json:12:3`, else its source (`cases/a.json#2`). */
export function caseWhere(result: { source?: string; location?: CaseLocation }): string | undefined {
  if (result.location !== undefined) return `${shownPath(result.location.file)}:${result.location.line}:${result.location.column}`;
  return result.source;
}

/**
 * The `- expected / + actual` diff of a result's failed `output` and `match` expectations, one per expectation, over
 * the whole output (the output with the expected values put back is diffed against it). Redact the result first.
 */
export function outputDiffs(result: CaseResult, paint: ReportOutput["paint"]): string[][] {
  const diffs: string[][] = [];
  for (const expectation of ["output", "match"] as const) {
    const failures = result.failures.filter((f): f is CaseFailure & { path: string } => f.expectation === expectation && f.path !== undefined);
    if (failures.length === 0 || (result.output === undefined && failures.every((f) => f.path !== "/"))) continue;
    // A failure's value may hold secret-looking keys below its path: both sides are redacted as wholes (again, for a
    // caller that passed a result not yet redacted), so a secret neither shows nor counts as a difference.
    diffs.push(valueDiffLines(redactSecrets(expectedView(result.output, failures)), redactSecrets(result.output), { paint }));
  }
  return diffs;
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
  const mark = paint("red", result.status === "fail" ? "✗" : "!");
  const lines = [`${mark} ${paint("bold", shown(`${result.action} › ${result.case}`))} ${paint("dim", `(${formatDuration(result.durationMs)})`)}`];
  if (result.error) lines.push(`    ${paint("red", shown(result.error.code))} ${shown(result.error.message).split("\n").join("\n    ")}`);
  if (result.error?.stack)
    lines.push(
      ...result.error.stack
        .split("\n")
        .slice(1, 6)
        .map((l) => paint("dim", `    ${shown(l.trim())}`)),
    );
  for (const failure of result.failures) lines.push(`    ${shown(failure.message)}`);
  // The diff's own lines escape what they show (value-diff), and carry the only colours it adds.
  for (const diff of outputDiffs(result, paint)) lines.push("", ...diff.map((line) => (line === "" ? "" : `      ${line}`)), "");
  const where = caseWhere(result);
  if (where !== undefined) lines.push(paint("dim", `    at ${shown(where)}`));
  return lines;
}
