// Renders case results for people: one line per case, the reasons under a failing one, and a trace timeline.
// Every text that came from a case, a transform or a server passes through `shown` before it is painted, so its escape
// sequences are seen as text (the terminal would otherwise keep the ones that look like our colours).
import type { CaseResult, TraceStep } from "../core/types.js";
import { escapeControls as shown } from "../internal/control-characters.js";
import { redactResult, redactSecrets } from "../secrets/redact.js";
import { formatIssue } from "../validation/format-issue.js";
import { paint, showJson, type Terminal } from "./terminal.js";
import { caseResultLines, formatDuration } from "../report/case-lines.js";
import { DECLARATIVE_STEP_SET, declarativeStepLines } from "../report/declarative-steps.js";

const ms = formatDuration;

/** One line for the case, then indented reasons when it did not pass. */
export function caseLines(terminal: Terminal, raw: CaseResult): string[] {
  return caseResultLines({ paint: (style, text) => paint(terminal, style, text) }, raw);
}

/** The steps of a trace as a timeline with durations. */
export function traceLines(terminal: Terminal, steps: TraceStep[]): string[] {
  // Offsets count from the case's first step; loading the definition happened once, before any case.
  const first = steps.find((s) => s.step !== "load-definition")?.startedAt ?? 0;
  return steps.flatMap((s) => {
    const mark = s.ok === null ? paint(terminal, "dim", "–") : s.ok ? paint(terminal, "green", "✓") : paint(terminal, "red", "✗");
    const offset = s.step === "load-definition" ? "" : `+${ms(s.startedAt - first)}`;
    // A declarative step reads better as lines of its own (the request, the answer, each key) than as its JSON.
    const below = declarativeStepLines(s);
    const detail =
      below.length === 0 && s.detail && Object.keys(s.detail).length > 0 && !(DECLARATIVE_STEP_SET.has(s.step) && s.ok === null)
        ? paint(terminal, "dim", ` ${shown(JSON.stringify(s.detail))}`)
        : "";
    const line = `  ${mark} ${s.step.padEnd(16)} ${ms(s.durationMs).padStart(9)} ${paint(terminal, "dim", offset.padStart(10))}${detail}`;
    return [
      line,
      ...below.map(
        (text) => `      ${paint(terminal, text.startsWith("warning:") ? "yellow" : text.startsWith("error:") ? "red" : "dim", shown(text))}`,
      ),
    ];
  });
}

/**
 * Everything about one case: input (when given), output, issues, error, trace and logs (what `cxda run` prints),
 * with secret-looking fields redacted.
 */
export function caseDetailLines(terminal: Terminal, raw: CaseResult, input?: unknown): string[] {
  const result = redactResult(raw);
  const lines = [paint(terminal, "bold", shown(`${result.action} › ${result.case}: ${result.status}`))];
  if (input !== undefined) lines.push("", paint(terminal, "cyan", "Input"), shown(showJson(redactSecrets(input))).replace(/^/gm, "  "));
  lines.push("", paint(terminal, "cyan", "Output"), result.output === undefined ? "  (none)" : shown(showJson(result.output)).replace(/^/gm, "  "));
  lines.push("", paint(terminal, "cyan", "Issues"));
  if (result.issues.length === 0) lines.push("  none");
  for (const issue of result.issues) lines.push(`  ${paint(terminal, "red", shown(formatIssue(issue)))}`);
  if (result.error) {
    lines.push("", paint(terminal, "cyan", "Error"), `  ${shown(`${result.error.code} ${result.error.message}`)}`);
    if (result.error.stack)
      lines.push(
        ...result.error.stack
          .split("\n")
          .slice(1)
          .map((l) => `  ${shown(l.trim())}`),
      );
  }
  lines.push("", paint(terminal, "cyan", "Trace"), ...traceLines(terminal, result.trace.steps));
  if (result.logs.length > 0) {
    lines.push("", paint(terminal, "cyan", "Logs"));
    for (const log of result.logs) lines.push(`  ${paint(terminal, "dim", `+${ms(log.atMs)}`)} ${shown(log.level).padEnd(5)} ${shown(log.message)}`);
  }
  return lines;
}
