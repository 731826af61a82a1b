// Lines for the cases of an action that could not run (a broken definition, a transform that does not compile): the
// action's problem once, then one short line per case, instead of the same problem under every case.
import type { CaseResult } from "../core/types.js";
import { escapeControls as shown } from "../internal/control-characters.js";
import { redactResult } from "../secrets/redact.js";
import type { ReportOutput } from "./reporter.js";

/**
 * Prints not-run results grouped by their action's problem. `lines` gives the lines for one result: for the first
 * case of a problem, the action's line and the problem; for the next cases of the same problem, the case's line only.
 * @example
 * const group = notRunGroups();
 * for (const result of results) if (result.notRun) lines.push(...group.lines(output, result));
 */
export function notRunGroups(): { lines(output: Pick<ReportOutput, "paint">, result: CaseResult): string[] } {
  let lastKey: string | undefined;
  return {
    lines(output, raw) {
      const result = redactResult(raw);
      const problem = result.error ?? { code: "E_CASE", message: "the case did not run" };
      const key = `${result.action}\u0000${problem.code}\u0000${problem.message}`;
      const lines: string[] = [];
      if (key !== lastKey) {
        lastKey = key;
        const what =
          problem.code === "E_COMPILE"
            ? "its transform does not compile"
            : problem.code === "E_TRANSFORM"
              ? "its transform could not be built"
              : "its definition could not be loaded";
        lines.push(`${output.paint("red", "✗")} ${output.paint("bold", shown(result.action))} did not run: ${what}`);
        lines.push(`    ${output.paint("red", shown(problem.code))} ${shown(problem.message).split("\n").join("\n    ")}`);
      }
      lines.push(`  ${output.paint("dim", "-")} ${shown(`${result.action} › ${result.case}`)} ${output.paint("dim", "(not run)")}`);
      return lines;
    },
  };
}
